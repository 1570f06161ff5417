"""A real SAML 2.0 identity provider for the tests: pysaml2's Server, with a key pair made at test time.

It reads the AuthnRequest from the app's redirect, and answers with a response whose assertion it signs
(xmlsec1, as a real IdP does). `fault` makes the answer wrong the way a broken or hostile IdP, or someone in
between, would: "tampered" (the email changed after signing), "unsigned", "audience" (for another service
provider), "expired", "not_yet_valid", "other_key" (signed by a key the metadata does not name),
"no_email" (no email attribute, and a NameID that is not an email). With `encrypt_to`, the assertion is
signed and encrypted by pysaml2 itself, as Shibboleth does by default.

`serve(port)` puts its single sign-on endpoint on a loopback port for the browser test: it answers the
redirect with the HTTP-POST binding's page, which posts the response to the app's ACS.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from flask import Flask, request
from saml2 import BINDING_HTTP_REDIRECT, class_name
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_PERSISTENT, NameID
from saml2.server import Server
from saml2.sigver import pre_signature_part

from tests.sso import serving

ENTITY_ID = "https://idp.example.org/idp/shibboleth"
MAIL = "urn:oid:0.9.2342.19200300.100.1.3"  # `mail`, as Shibboleth releases it
PASSWORD_CONTEXT = "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"


def key_pair(folder: Path, name: str) -> tuple[str, str]:
    """A new RSA key and a self-signed certificate for it, as PEM files in `folder`: (key path, cert path)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return str(key_path), str(cert_path)


def _when(**delta: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(**delta)).strftime("%Y-%m-%dT%H:%M:%SZ")


class IdP:
    """The identity provider: who signs in, with which fault; `metadata` is what the app is given."""

    def __init__(self, folder: Path, sso_url: str = "https://idp.example.org/idp/profile/SAML2/Redirect/SSO"):
        self.key, self.cert = key_pair(folder, "idp")
        self.other_key, self.other_cert = key_pair(folder, "other")
        self.sso_url = sso_url
        self.email: str | None = "mentor@example.org"
        self.fault: str | None = None
        self.encrypt_to: str | None = None  # a certificate file: sign, then encrypt the assertion to it
        self.server: Server | None = None
        self.metadata = create_metadata_string(None, config=self._config()).decode()

    def _config(self, sp_metadata: str | None = None) -> IdPConfig:
        settings = {
            "entityid": ENTITY_ID,
            "key_file": self.key,
            "cert_file": self.cert,
            "service": {
                "idp": {
                    "endpoints": {"single_sign_on_service": [(self.sso_url, BINDING_HTTP_REDIRECT)]},
                    "policy": {"default": {"lifetime": {"minutes": 5}, "attribute_restrictions": None}},
                    "name_id_format": [NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_PERSISTENT],
                }
            },
        }
        if sp_metadata is not None:
            settings["metadata"] = {"inline": [sp_metadata]}
        return IdPConfig().load(settings)

    def trust(self, sp_metadata: str) -> None:
        """Register the service provider from its metadata (the app's /auth/saml/metadata)."""
        self.server = Server(config=self._config(sp_metadata))

    def answer(self, saml_request: str) -> str:
        """The SAMLResponse (base64) for the AuthnRequest of a redirect, signed in as `email`."""
        assert self.server is not None, "trust() the service provider first"
        parsed = self.server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)
        args = self.server.response_args(parsed.message)
        return self.respond(args["in_response_to"], args["destination"], args["sp_entity_id"])

    def respond(self, in_response_to: str, destination: str, audience: str) -> str:
        """A response to request `in_response_to`, made and signed by hand so that a fault can change it
        before signing (times, audience) or after (the email)."""
        assert self.server is not None
        email, fault = self.email, self.fault
        identity = {} if email is None or fault == "no_email" else {"mail": [email]}
        if fault == "no_email":
            name_id = NameID(format=NAMEID_FORMAT_PERSISTENT, text="opaque-4711")
        else:
            name_id = NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=email or "")
        what = (identity, in_response_to, destination, audience)
        details = {"name_id": name_id, "authn": {"class_ref": PASSWORD_CONTEXT}}
        if self.encrypt_to is not None:  # pysaml2's own signing and encryption, as Shibboleth answers
            cert = Path(self.encrypt_to).read_text()
            encrypted = self.server.create_authn_response(
                *what, **details, sign_assertion=True, encrypt_assertion=True, encrypt_cert_assertion=cert
            )
            return base64.b64encode(str(encrypted).encode()).decode()
        response = self.server.create_authn_response(
            *what, **details, sign_assertion=False, sign_response=False
        )
        assertion = response.assertion
        conditions = assertion.conditions
        confirmation = assertion.subject.subject_confirmation[0].subject_confirmation_data
        if fault == "audience":
            conditions.audience_restriction[0].audience[0].text = "https://another-service.example.org/sp"
        elif fault == "expired":
            conditions.not_before = _when(minutes=-20)
            conditions.not_on_or_after = confirmation.not_on_or_after = _when(minutes=-10)
        elif fault == "not_yet_valid":
            conditions.not_before = _when(minutes=10)
        xml = str(response)
        if fault != "unsigned":
            key, cert = (self.other_key, self.other_cert) if fault == "other_key" else (self.key, self.cert)
            assertion.signature = pre_signature_part(assertion.id, _pem_body(cert), 1)
            xml = self.server.sec.sign_statement(
                str(response), class_name(assertion), key_file=key, node_id=assertion.id
            )
        if fault == "tampered":
            assert email is not None
            xml = xml.replace(email, "admin@example.org")
        return base64.b64encode(xml.encode()).decode()

    @contextmanager
    def serve(self, port: int):
        """Its single sign-on endpoint on 127.0.0.1:`port` for the `with` block (the browser test)."""
        app = Flask("test-saml-idp")

        @app.get("/sso")
        def sso():
            assert self.server is not None
            parsed = self.server.parse_authn_request(request.args["SAMLRequest"], BINDING_HTTP_REDIRECT)
            args = self.server.response_args(parsed.message)
            saml_response = self.respond(args["in_response_to"], args["destination"], args["sp_entity_id"])
            # The HTTP-POST binding: a form the person sends to the app (a real IdP adds a script to send it).
            return (
                "<!doctype html><html lang='en'><head><title>Test IdP</title></head><body><main>"
                f"<form method='post' action='{html.escape(args['destination'])}'>"
                f"<input type='hidden' name='SAMLResponse' value='{saml_response}'>"
                "<button type='submit'>Continue to the mentorship program</button>"
                "</form></main></body></html>"
            )

        with serving(app, port):
            yield self


def _pem_body(cert_path: str) -> str:
    lines = Path(cert_path).read_text().strip().splitlines()
    return "".join(line for line in lines if not line.startswith("-----"))
