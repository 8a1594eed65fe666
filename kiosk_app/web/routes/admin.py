"""Staff pages. ``/admin/languages``: each language's catalog and review status.

For staff, in English, and never linked from a resident's page. It shows
catalog metadata only, no personal data, and only after a staff sign-in
(kiosk_app/web/staff.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from kiosk_app.web.deps import StateDep, render, require_staff
from kiosk_app.web.i18n import (
    INSTRUMENTS,
    SOURCE_LANGUAGE,
    Catalogs,
    LanguageEntry,
    Progress,
    babel_direction,
    catalog_progress,
    entry_direction,
    tag_of,
)

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_staff)])


@dataclass(frozen=True, slots=True)
class LanguageRow:
    catalog: str
    tag: str
    entry: LanguageEntry | None  # None: a catalog with no languages.yaml entry
    direction: str
    progress: Progress | None  # None: no .po (or the source language)
    compiled: bool
    offered: bool


def _row(catalogs: Catalogs, code: str, compiled: set[str]) -> LanguageRow:
    entry = catalogs.registry.languages.get(code)
    source = code == SOURCE_LANGUAGE
    return LanguageRow(
        catalog=code,
        tag=tag_of(code),
        entry=entry,
        direction=entry_direction(entry) if entry else babel_direction(code),
        progress=None if source else catalog_progress(catalogs.locale_dir, code),
        compiled=source or code in compiled,
        offered=tag_of(code) in catalogs.languages,
    )


# A plain ``def``: FastAPI runs it in a worker thread, as it reads every .po.
@router.get("/languages", response_class=HTMLResponse)
def languages(request: Request, state: StateDep) -> HTMLResponse:
    """Every language: name, translated share, review and instrument status."""
    catalogs = state.catalogs
    compiled = catalogs.compiled()
    on_disk = {po.parent.parent.name for po in catalogs.locale_dir.glob("*/LC_MESSAGES/*.po")}
    registered = list(catalogs.registry.languages)
    # Catalogs without an entry are listed last: they are not offered.
    strays = sorted((on_disk | compiled) - set(registered))
    rows = [_row(catalogs, code, compiled) for code in [*registered, *strays]]
    return render(
        request,
        "admin_languages.html",
        language=SOURCE_LANGUAGE,
        personal=False,
        rows=rows,
        instruments=INSTRUMENTS,
        registry_path=catalogs.registry_path,
    )
