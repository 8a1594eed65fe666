"""The take-home summary, and the signposts every results page shows.

Imperative shell around the signposting core (style-anchors.md habit 11):
load the directory and the optional postcode lookup once, hide unverified
entries unless the site is a demo, work out the resident's borough, then
call the pure ``choose_signposts`` and hand the result to the templates.

The summary at ``/results/summary`` prints on A4 or, with
``?layout=receipt``, on an 80 mm receipt. Its QR code holds a compact line
a pharmacist or GP can read (``compact_summary``): results only, never the
postcode, free text or the self-harm answer (docs/signposting.md).
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import segno
from babel.core import UnknownLocaleError
from babel.dates import format_date
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from kiosk_app.domain.vital5 import Vital5Result
from kiosk_app.settings import Settings
from kiosk_app.signposting import (
    Directory,
    Locality,
    PostcodeLookup,
    Reason,
    Signpost,
    choose_signposts,
    load_directory,
    load_postcode_lookup,
    resolve_locality,
)
from kiosk_app.web import result_text
from kiosk_app.web.deps import SessionDep, StateDep, render
from kiosk_app.web.result_text import N_
from kiosk_app.web.sessions import CheckSession
from kiosk_app.web.state import KioskState


@asynccontextmanager
async def _load_at_start_up(app: FastAPI) -> AsyncIterator[None]:
    # Under a server the directory and the postcode lookup are read before
    # the first resident: a bad services.yaml stops start-up with its coded
    # problems, and a big ONS lookup is not read during someone's results.
    settings: Settings = app.state.kiosk.settings
    _directory(settings.signposting_dir)
    _lookup(settings.postcode_lookup)
    yield


router = APIRouter(tags=["results"], lifespan=_load_at_start_up)

LAYOUTS = ("a4", "receipt")
SUMMARY_QR_LABEL = N_(
    "QR code with your results, for a pharmacist or GP to scan. "
    "It does not hold your name or postcode."
)


@dataclass(frozen=True, slots=True)
class Support:
    """The signposts for one resident, as the templates ask for them."""

    locality: Locality
    items: tuple[Signpost, ...]

    def for_domain(self, domain: str) -> tuple[Signpost, ...]:
        return tuple(s for s in self.items if s.domain == domain)

    def for_reason(self, reason: str) -> tuple[Signpost, ...]:
        return tuple(s for s in self.items if s.reason == reason)

    def listing(self) -> tuple[Signpost, ...]:
        """Each service once, crisis contacts aside (the printout lists them apart)."""
        seen: set[str] = set()
        out: list[Signpost] = []
        for s in self.items:
            if s.reason is not Reason.MIND_CRISIS and s.service.id not in seen:
                seen.add(s.service.id)
                out.append(s)
        return tuple(out)


# Loaded once per path, at start-up under a server (_load_at_start_up) or
# on first use; tests/signposting also checks the shipped file in CI.
@functools.cache
def _directory(directory_dir: Path) -> Directory:
    return load_directory(directory_dir)


@functools.cache
def _visible_directory(directory_dir: Path, show_unverified: bool) -> Directory:
    # What residents may see never changes while the kiosk runs: worked out
    # once, not on every results page.
    return _directory(directory_dir).visible(show_unverified=show_unverified)


@functools.cache
def _lookup(path: Path | None) -> PostcodeLookup | None:
    return load_postcode_lookup(path)


def support_for(state: KioskState, session: CheckSession) -> Support:
    """Choose the signposts for a scored session (the shell's three steps)."""
    settings = state.settings
    if session.scored is None or session.result is None:
        raise ValueError("signposts are chosen for a scored check; route to /review first")
    about = session.scored.about
    directory = _visible_directory(settings.signposting_dir, settings.signposting_show_unverified)
    locality = resolve_locality(
        about.postcode, _lookup(settings.postcode_lookup), settings.site_borough
    )
    chosen = choose_signposts(session.result, locality.borough, directory, about=about)
    return Support(locality, tuple(chosen))


def qr_svg(data: str, label: str = "") -> Markup:
    """A QR code as inline SVG, sized by CSS.

    With no ``label`` it is decorative (the same text is printed beside it)
    and hidden from assistive technology; with one it is an image named by it.
    """
    if not label:
        return _public_link_qr(data)
    return _qr_svg(data, label)


# Services' web links are public and the same for every resident, so their
# codes are drawn once. Nothing else is cached: a resident's summary code
# holds their results and must not outlive their session in memory.
@functools.lru_cache(maxsize=256)
def _public_link_qr(link: str) -> Markup:
    return _qr_svg(link, "")


def _qr_svg(data: str, label: str) -> Markup:
    svg = segno.make(data, error="m").svg_inline(omitsize=True, border=2, svgclass="v5-qr__svg")
    if label:
        attrs = f'<svg role="img" aria-label="{Markup.escape(label)}" '
    else:
        attrs = '<svg aria-hidden="true" focusable="false" '
    return Markup(attrs + str(svg).removeprefix("<svg "))  # noqa: S704 (segno's SVG, escaped label)


def _number(value: Decimal) -> str:
    return format(value, "f")


def compact_summary(result: Vital5Result, day: date) -> str:
    """One line for the summary's QR code, e.g.
    ``V5|2025-06-01|BP 142/91 stage_1|BMI 27.1 overweight|AUDIT-C 6|PHQ-4 5|smoker``.

    Codes, not words, so it reads the same whatever the resident's language.
    Skipped domains are left out. Deliberately never included: postcode,
    any free text, and the self-harm answer (a printout can be left behind).
    """
    parts = ["V5", day.isoformat()]
    bp = result.blood_pressure
    if bp is not None:
        text = f"BP {bp.recorded.systolic}/{bp.recorded.diastolic}"
        if bp.category is not None:
            text += f" {bp.category.value}"
        if bp.repeat_reading_required:
            text += " provisional"
        parts.append(text)
    weight = result.weight
    if weight is not None and weight.bmi is not None:
        text = f"BMI {_number(weight.bmi)}"
        if weight.bmi_category is not None:
            text += f" {weight.bmi_category.value}"
            if weight.bmi_thresholds.value == "lower":
                text += " lower_thresholds"
        parts.append(text)
    if weight is not None and weight.whtr is not None and weight.whtr_category is not None:
        parts.append(f"WHtR {_number(weight.whtr)} {weight.whtr_category.value}")
    if result.alcohol is not None:
        parts.append(f"AUDIT-C {result.alcohol.total}")
    mind = result.mind
    if mind is not None and mind.phq4 is not None:
        text = f"PHQ-4 {mind.phq4.total}"
        if mind.phq4.gad2_positive:
            text += " GAD-2+"
        if mind.phq4.phq2_positive:
            text += " PHQ-2+"
        parts.append(text)
    smoking = result.smoking
    if smoking is not None:
        status = {"current": "smoker", "ex": "ex-smoker", "never": "non-smoker"}
        text = status[smoking.status.value]
        if smoking.current_vaper:
            text += " vaper"
        parts.append(text)
    return "|".join(parts)


def _long_date(day: date, language: str) -> str:
    # English as written in the UK: 26 November 2026, not November 26.
    locale = "en_GB" if language == "en" else language.replace("-", "_")
    try:
        return format_date(day, format="long", locale=locale)
    except (UnknownLocaleError, ValueError):
        return day.isoformat()


@router.get("/results/summary", response_class=HTMLResponse)
async def summary(
    request: Request, state: StateDep, session: SessionDep, layout: str = "a4"
) -> Response:
    if session.result is None:
        return RedirectResponse("/review", status_code=303)
    day = date.today()  # the kiosk's own (local) date
    code = compact_summary(session.result, day)
    return render(
        request,
        "summary.html",
        language=session.language,
        result=session.result,
        t=result_text,
        support=support_for(state, session),
        qr=qr_svg,
        layout=layout if layout in LAYOUTS else "a4",
        day_text=_long_date(day, session.language),
        summary_code=code,
        summary_qr=qr_svg(code, label=state.catalogs.gettext(session.language, SUMMARY_QR_LABEL)),
    )
