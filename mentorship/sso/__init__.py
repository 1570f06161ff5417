"""Institution sign-in: OpenID Connect (docs/sso.md)."""
