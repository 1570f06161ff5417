"""Institution sign-in: OpenID Connect (routes.py) and SAML 2.0 (saml.py), docs/sso.md."""
