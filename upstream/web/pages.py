"""Rendering the human pages: Jinja with the NHS.UK frontend templates, headers, static files.

web-stack.md §1: ``ChainableUndefined`` (the NHS.UK macros need it) and
``autoescape=True`` (``select_autoescape`` would not escape ``*.jinja``).
The styles are the kiosk's compiled NHS.UK CSS (``make assets``) and the
NHS.UK assets from node_modules, served read-only; without them the pages
still work, unstyled.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, FileSystemLoader, PackageLoader

from upstream.settings import PROJECT_ROOT

TEMPLATES = PROJECT_ROOT / "upstream" / "web" / "templates"
NHSUK_ASSETS = PROJECT_ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk" / "assets"
KIOSK_CSS = PROJECT_ROOT / "kiosk_app" / "web" / "static" / "build"

ENVIRONMENT = Environment(
    loader=ChoiceLoader([FileSystemLoader(TEMPLATES), PackageLoader("nhsuk_frontend_jinja")]),
    undefined=ChainableUndefined,
    autoescape=True,
)

# Health data: nothing is cached, nothing framed, no script but the
# template's one nonce'd line, no referrer carried off-site. ("same-origin",
# not "no-referrer": under no-referrer browsers send "Origin: null" even on
# our own forms, and the forms check Origin.)
_NO_STORE = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def mount_static(app: FastAPI) -> None:
    app.mount("/assets", StaticFiles(directory=NHSUK_ASSETS, check_dir=False), name="assets")
    app.mount("/static/build", StaticFiles(directory=KIOSK_CSS, check_dir=False), name="css")


def private_headers(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    return {**_NO_STORE, **(extra or {})}


def render(
    request: Request, template: str, context: Mapping[str, Any], status_code: int = 200
) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    csp = (
        "default-src 'self'; "
        f"script-src 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    html = ENVIRONMENT.get_template(template).render(
        {**context, "csp_nonce": nonce, "path": request.url.path}
    )
    return HTMLResponse(
        html, status_code=status_code, headers=private_headers({"Content-Security-Policy": csp})
    )


def redirect(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303, headers=private_headers())


def is_loopback(request: Request) -> bool:
    """Served to this machine only: cookies may go without ``Secure`` (plain http)."""
    host = (request.url.hostname or "").strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
