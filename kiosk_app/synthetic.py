"""A synthetic resident who walks the check over HTTP, as the kiosk's pages do.

Shared by the tests, the benchmarks and demos, so there is one idea of what
"walking the check" means. Every answer is made up: no real person's data.
Problems raise :class:`FlowError`, never ``assert``, so a benchmark run with
``python -O`` still notices a broken flow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import httpx

# An ordinary resident: every answer unremarkable.
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
TYPED_BP: Sequence[Mapping[str, str]] = ({"systolic": "128", "diastolic": "82"},)
BP_PAGE = "/blood-pressure"
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


async def start(
    client: httpx.AsyncClient, *, language: str = "en", follow_pages: bool = False
) -> str:
    """Start and consent on ``client``'s cookie jar; returns the first question's URL."""
    if see_other(await client.post("/start", data={"language": language})) != "/consent":
        raise FlowError("/start did not lead to /consent")
    if follow_pages:
        ok(await client.get("/consent"))
    if see_other(await client.post("/consent", data={"consent": "yes"})) != "/check":
        raise FlowError("/consent did not lead to /check")
    return see_other(await client.get("/check"))


async def answer_until(
    client: httpx.AsyncClient,
    url: str,
    answers: Mapping[str, Mapping[str, str]] = ORDINARY,
    *,
    stop_at: str | None = None,
    bp: Sequence[Mapping[str, str]] = TYPED_BP,
    follow_pages: bool = False,
) -> str:
    """Answer from ``url`` on until the review page (or ``stop_at``).

    The BP page takes ``bp`` as typed readings. With ``follow_pages`` every
    redirect is followed by a GET of the page, as a browser would.
    """
    for _ in range(60):
        if url in (stop_at, REVIEW):
            return url
        if follow_pages:
            ok(await client.get(url))
        if url == BP_PAGE:
            for reading in bp:
                if see_other(await client.post(f"{BP_PAGE}/manual", data=dict(reading))) != url:
                    raise FlowError("a typed BP reading did not return to the BP page")
            url = see_other(await client.post(f"{BP_PAGE}/done"))
            continue
        step_id = url.removeprefix("/check/")
        if step_id not in answers:
            raise FlowError(f"the check asked a step with no answer given: {url}")
        url = see_other(await client.post(url, data=dict(answers[step_id])))
    raise FlowError("the check did not reach the review page")


async def to_review(
    client: httpx.AsyncClient,
    answers: Mapping[str, Mapping[str, str]] = ORDINARY,
    *,
    bp: Sequence[Mapping[str, str]] = TYPED_BP,
    follow_pages: bool = False,
) -> None:
    """Start a check and answer it up to the review page."""
    first = await start(client, follow_pages=follow_pages)
    url = await answer_until(client, first, answers, bp=bp, follow_pages=follow_pages)
    if url != REVIEW:
        raise FlowError(f"the check stopped at {url}, not the review page")
    ok(await client.get(REVIEW))


async def submit(client: httpx.AsyncClient) -> str:
    """Submit the reviewed answers; returns where the results open."""
    return see_other(await client.post("/submit"))


async def end(client: httpx.AsyncClient) -> None:
    """The resident presses Finish: the kiosk forgets the session."""
    if not see_other(await client.post("/session/end", data={"reason": "finish"})).startswith("/"):
        raise FlowError("/session/end did not lead back to the start page")


async def complete_check(client: httpx.AsyncClient, *, follow_pages: bool = True) -> None:
    """One whole check, from the start page to Finish."""
    if follow_pages:
        ok(await client.get("/"))
    await to_review(client, follow_pages=follow_pages)
    if await submit(client) != RESULTS:
        raise FlowError("/submit did not lead to /results")
    ok(await client.get(RESULTS))
    await end(client)
    if follow_pages:
        ok(await client.get("/?cleared=finish"))
