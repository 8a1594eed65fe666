"""Walk one resident's whole check over HTTP, the way the kiosk's pages do.

A bench-side copy of ``tests/web/flow.py`` (bench/ must not import tests/):
start → consent → every question → BP typed in by hand → review → submit →
results → end. Problems raise :class:`FlowError`, never ``assert``, so a
benchmark run with ``python -O`` still notices a broken flow.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

# A synthetic resident whose every answer is ordinary (same as the web tests).
ORDINARY: Mapping[str, Mapping[str, str]] = {
    "age": {"age": "47"},
    "sex": {"sex": "female"},
    "pregnant": {"pregnant": "no"},
    "ethnic_group": {"ethnic_group": "black"},
    "ethnicity_black": {"ethnicity": "black_african"},
    "postcode": {"postcode": "se1 7eh"},
    "height_weight": {"height_cm": "165", "weight_kg": "70"},
    "waist": {"waist_cm": "80"},
    "smoking": {"smoking_status": "never"},
    "vaping": {"vaping": "never"},
    "alcohol_q1": {"audit_q1": "1"},
    "alcohol_q2": {"audit_q2": "0"},
    "alcohol_q3": {"audit_q3": "0"},
    "mind_nervous": {"phq4_nervous": "0"},
    "mind_worrying": {"phq4_worrying": "0"},
    "mind_interest": {"phq4_little_interest": "0"},
    "mind_down": {"phq4_feeling_down": "0"},
    "mind_self_harm": {"self_harm_thoughts": "no"},
}
BP_READING: Mapping[str, str] = {"systolic": "128", "diastolic": "82"}
REVIEW = "/review"
RESULTS = "/results"


class FlowError(RuntimeError):
    """The kiosk did not answer the way a working check flow does."""


def see_other(response: httpx.Response) -> str:
    """The target of a 303 redirect; anything else is a broken flow."""
    if response.status_code != 303:
        raise FlowError(
            f"{response.request.method} {response.request.url.path}: expected 303, "
            f"got {response.status_code}: {response.text[:300]!r}"
        )
    return response.headers["location"]


def ok(response: httpx.Response) -> httpx.Response:
    if response.status_code != 200:
        raise FlowError(
            f"{response.request.method} {response.request.url.path}: expected 200, "
            f"got {response.status_code}: {response.text[:300]!r}"
        )
    return response


async def to_review(client: httpx.AsyncClient, *, follow_pages: bool = False) -> None:
    """Start a check on ``client``'s cookie jar and answer it up to the review page.

    With ``follow_pages`` every redirect is followed by a GET of the page, as
    a browser would; without it only the form posts are sent.
    """
    if see_other(await client.post("/start", data={"language": "en"})) != "/consent":
        raise FlowError("/start did not lead to /consent")
    if follow_pages:
        ok(await client.get("/consent"))
    if see_other(await client.post("/consent", data={"consent": "yes"})) != "/check":
        raise FlowError("/consent did not lead to /check")
    url = see_other(await client.get("/check"))
    for _ in range(60):
        if url == REVIEW:
            ok(await client.get(REVIEW))
            return
        if follow_pages:
            ok(await client.get(url))
        if url == "/blood-pressure":
            if see_other(await client.post("/blood-pressure/manual", data=dict(BP_READING))) != url:
                raise FlowError("a typed BP reading did not return to the BP page")
            if follow_pages:
                ok(await client.get(url))
            url = see_other(await client.post("/blood-pressure/done"))
            continue
        step_id = url.removeprefix("/check/")
        if step_id not in ORDINARY:
            raise FlowError(f"the check asked an unexpected step: {url}")
        url = see_other(await client.post(url, data=dict(ORDINARY[step_id])))
    raise FlowError("the check did not reach the review page")


async def submit_and_show(client: httpx.AsyncClient) -> None:
    """Submit the reviewed answers and show the results page."""
    if see_other(await client.post("/submit")) != RESULTS:
        raise FlowError("/submit did not lead to /results")
    ok(await client.get(RESULTS))


async def end(client: httpx.AsyncClient) -> None:
    """The resident presses Finish: the kiosk forgets the session."""
    if not see_other(await client.post("/session/end", data={"reason": "finish"})).startswith("/"):
        raise FlowError("/session/end did not lead back to the start page")


async def complete_check(client: httpx.AsyncClient, *, follow_pages: bool = True) -> None:
    """One whole check, from the start page to Finish."""
    if follow_pages:
        ok(await client.get("/"))
    await to_review(client, follow_pages=follow_pages)
    await submit_and_show(client)
    await end(client)
    if follow_pages:
        ok(await client.get("/?cleared=finish"))
