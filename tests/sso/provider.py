"""A real OpenID Connect provider for the tests, on a loopback port: discovery, keys, an authorization
endpoint that signs the configured person straight in, and a token endpoint that checks the code, the
client's secret and the PKCE verifier and returns an ID token signed with a generated RSA key.

`fault` makes it misbehave the way a broken or hostile provider would: "tampered" (a claim changed after
signing), "audience" (a token for another client), "expired", "replayed_nonce" (the nonce of an earlier
sign-in), "issuer" (another issuer).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from contextlib import contextmanager
from urllib.parse import urlencode

from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.sso import serving

CLIENT_ID = "mentorship-test"
CLIENT_SECRET = "test-secret-of-the-client"


class Provider:
    """The provider's state: who signs in, which fault to show, the codes handed out."""

    def __init__(self, port: int):
        self.issuer = f"http://127.0.0.1:{port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
        self.email: str | None = "mentor@example.org"
        self.email_verified: object = True
        self.fault: str | None = None
        self.codes: dict[str, dict] = {}
        self.nonces: list[str] = []
        self.pkce_checked = 0

    def id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer if self.fault != "issuer" else "http://127.0.0.1:1/other",
            "sub": f"sub-{self.email}",
            "aud": CLIENT_ID if self.fault != "audience" else "another-client",
            "iat": now if self.fault != "expired" else now - 3600,
            "exp": now + 300 if self.fault != "expired" else now - 1800,
            "nonce": grant["nonce"] if self.fault != "replayed_nonce" else self.nonces[0],
        }
        if self.fault == "audience":
            claims["azp"] = "another-client"
        if self.email is not None:
            claims["email"] = self.email
        if self.email_verified is not None:
            claims["email_verified"] = self.email_verified
        token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, self.key)
        if self.fault == "tampered":
            header, payload, signature = token.split(".")
            changed = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).replace(
                self.email.encode(), b"admin@example.org"
            )
            token = ".".join([header, base64.urlsafe_b64encode(changed).rstrip(b"=").decode(), signature])
        return token

    def app(self) -> Flask:
        app = Flask("test-oidc-provider")

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                jwks_uri=f"{self.issuer}/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                id_token_signing_alg_values_supported=["RS256"],
                code_challenge_methods_supported=["S256"],
                token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            )

        @app.get("/jwks")
        def jwks():
            return jsonify(keys=[self.key.as_dict(private=False)])

        @app.get("/authorize")
        def authorize():
            args = request.args
            if args.get("client_id") != CLIENT_ID or args.get("response_type") != "code":
                abort(400)
            if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
                abort(400, "PKCE required")
            code = secrets.token_urlsafe(16)
            self.codes[code] = dict(args)
            self.nonces.append(args["nonce"])
            return redirect(f"{args['redirect_uri']}?{urlencode({'code': code, 'state': args['state']})}")

        @app.post("/token")
        def token():
            grant = self.codes.pop(request.form.get("code", ""), None)
            if grant is None or request.form.get("redirect_uri") != grant["redirect_uri"]:
                return jsonify(error="invalid_grant"), 400
            auth = request.authorization
            secret = auth.password if auth else request.form.get("client_secret")
            if secret != CLIENT_SECRET:
                return jsonify(error="invalid_client"), 401
            verifier = request.form.get("code_verifier", "").encode()
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
            if challenge != grant["code_challenge"]:
                return jsonify(error="invalid_grant", error_description="PKCE verifier"), 400
            self.pkce_checked += 1
            return jsonify(
                access_token=secrets.token_urlsafe(16),
                token_type="Bearer",
                expires_in=300,
                id_token=self.id_token(grant),
            )

        return app


@contextmanager
def running(port: int):
    """A Provider served on 127.0.0.1:`port` for the `with` block."""
    provider = Provider(port)
    with serving(provider.app(), port):
        yield provider
