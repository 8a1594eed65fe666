"""Response headers that keep one resident's answers away from the next.

Every page is ``Cache-Control: no-store``: after a check ends, the browser's
Back button must find nothing to show from the previous resident's session.
Scripts run only from this server (plus a nonce for the NHS.UK template's
one inline line), and the kiosk page cannot be framed by anything else.
"""

from __future__ import annotations

import secrets

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STATIC_PREFIXES = ("/assets/", "/static/")


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        is_static = str(scope["path"]).startswith(STATIC_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if not is_static:
                    headers["Cache-Control"] = "no-store"
                    headers["Pragma"] = "no-cache"
                headers["Content-Security-Policy"] = (
                    "default-src 'self'; "
                    f"script-src 'self' 'nonce-{nonce}'; "
                    "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
                )
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Frame-Options"] = "DENY"
            await send(message)

        await self.app(scope, receive, send_with_headers)
