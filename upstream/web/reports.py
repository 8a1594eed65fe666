"""``GET /reports/equity`` (a page) and ``GET /reports/equity.csv``: signed-in users; the CSV
also to an API token with the ``export`` scope. Every view is audited.

The report job runs in FastAPI's worker threads (these handlers are plain
functions): it decrypts in memory and hands back only suppressed tables.
The audit row is committed before the response is sent: if it cannot be
written, nothing is shown.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.security import HTTPAuthorizationCredentials
from sqlmodel import Session

from upstream.api.deps import StateDep, UpstreamState, require
from upstream.api.errors import ApiError
from upstream.report.geography import LookupFileError
from upstream.report.job import EquityReport, run_equity_report
from upstream.report.render import (
    DIMENSION_LABELS,
    RISK_LABELS,
    count_text,
    csv_text,
    group_label,
    page_rows,
)
from upstream.report.suppress import THRESHOLD
from upstream.store import audit
from upstream.tokens import Scope
from upstream.web import sessions
from upstream.web.pages import private_headers, redirect, render

router = APIRouter(include_in_schema=False)

PAGE = "/reports/equity"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"


@router.get(PAGE, response_class=HTMLResponse)
def equity_page(request: Request, state: StateDep) -> Response:
    user = sessions.current_user(request, state)
    if user is None:
        return redirect(f"/login?next={quote(PAGE)}")
    try:
        report = _run(state, actor=user.label, output="html")
    except LookupFileError as error:
        return render(request, "unavailable.jinja", {"reason": str(error)}, status_code=503)
    context = {
        "user": user,
        "logout_token": sessions.logout_token(state, user),
        "report": report,
        "threshold": THRESHOLD,
        "total": count_text(report.tables[0].total.checks) if report.tables else "Suppressed",
        "risk_labels": list(RISK_LABELS.values()),
        "tables": [
            {
                "id": table.dimension.value,
                "label": DIMENSION_LABELS[table.dimension],
                "rows": page_rows(table.rows, table.total),
            }
            for table in report.tables
        ],
        "sources": [
            (group_label(source), count_text(count))
            for source, count in report.borough_sources.items()
        ],
    }
    return render(request, "equity.jinja", context)


@router.get(f"{PAGE}.csv")
def equity_csv(request: Request, state: StateDep) -> Response:
    authorization = request.headers.get("authorization")
    if authorization is not None:
        actor = _token_actor(state, authorization)
    else:
        user = sessions.current_user(request, state)
        if user is None:
            return redirect(f"/login?next={quote(PAGE)}")
        actor = user.label
    try:
        report = _run(state, actor=actor, output="csv")
    except LookupFileError as error:
        raise ApiError(503, "lookup_unavailable", str(error)) from error
    day = report.generated_at.strftime("%Y-%m-%d")
    headers = {"Content-Disposition": f'attachment; filename="vital5-equity-{day}.csv"'}
    return Response(csv_text(report), media_type=CSV_MEDIA_TYPE, headers=private_headers(headers))


def _token_actor(state: UpstreamState, authorization: str) -> str:
    scheme, _, credentials = authorization.partition(" ")
    presented = (
        HTTPAuthorizationCredentials(scheme=scheme, credentials=credentials.strip())
        if scheme.lower() == "bearer" and credentials.strip()
        else None
    )
    # The same check as the export API's (401/403 as JSON problems).
    return require(Scope.EXPORT)(state, presented).label


def _run(state: UpstreamState, *, actor: str, output: str) -> EquityReport:
    report = run_equity_report(
        engine=state.engine, keyring=state.keyring, paths=state.lookups, now=state.clock()
    )
    with Session(state.engine) as session:
        audit.add_event(
            session=session,
            actor=actor,
            action="report.equity",
            at=state.clock(),
            target=output,
            detail={
                "records_read": report.records_read,
                "unreadable": report.unreadable,
                "upto_sequence": report.upto_sequence,
            },
        )
        session.commit()
    return report
