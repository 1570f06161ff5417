"""In development the app answers only this computer, so the key `make setup` wrote signs nothing for anyone
else: a request from another address, or relayed by a proxy, gets a 403 page (docs/configuration.md)."""

from __future__ import annotations

import ipaddress

from flask import Flask, render_template, request

# A proxy on this computer would relay other people's requests from a loopback address; these headers say so.
FORWARDING_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")
MESSAGE = (
    "This is a development server (APP_ENV=development): it answers only requests made on the computer it "
    "runs on. To serve other people, deploy it with its own SECRET_KEY as docs/deployment.md describes."
)


def is_loopback(address: str | None) -> bool:
    """True for 127.0.0.0/8 and ::1, also written as an IPv4-mapped IPv6 address."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
    return (mapped or ip).is_loopback


def serve_this_computer_only(app: Flask) -> None:
    """Refuse, before any view runs, every request that does not come straight from this computer."""

    @app.before_request
    def refuse_other_computers():
        relayed = any(name in request.headers for name in FORWARDING_HEADERS)
        if is_loopback(request.remote_addr) and not relayed:
            return None
        page = render_template("errors/error.html", code=403, title="Not allowed", message=MESSAGE)
        return page, 403
