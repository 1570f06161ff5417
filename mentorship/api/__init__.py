"""The JSON API under /api/v1 (docs/api.md): bearer tokens, the same access rules and services as the web."""
