"""Walk a check the way the kiosk's pages do, over HTTP, for the web tests."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

# A synthetic resident whose every answer is ordinary.
ORDINARY: dict[str, dict[str, str]] = {
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


def location(response: httpx.Response) -> str:
    assert response.status_code == 303, (response.status_code, response.text[:500])
    return response.headers["location"]


async def start(client: httpx.AsyncClient, language: str = "en") -> str:
    """Start and consent; returns where the check goes first."""
    assert location(await client.post("/start", data={"language": language})) == "/consent"
    assert location(await client.post("/consent", data={"consent": "yes"})) == "/check"
    return location(await client.get("/check"))


async def answer_until(
    client: httpx.AsyncClient,
    url: str,
    answers: Mapping[str, Mapping[str, str]],
    *,
    stop_at: str | None = None,
    bp: tuple[Mapping[str, str], ...] = ({"systolic": "128", "diastolic": "82"},),
) -> str:
    """Follow the check from ``url``, answering from ``answers``, until the
    review page (or ``stop_at``); the BP page takes ``bp`` as typed readings."""
    for _ in range(60):
        if url == stop_at or url == "/review":
            return url
        if url == "/blood-pressure":
            for reading in bp:
                assert location(await client.post("/blood-pressure/manual", data=reading)) == url
            url = location(await client.post("/blood-pressure/done"))
            continue
        step_id = url.removeprefix("/check/")
        response = await client.post(url, data=dict(answers[step_id]))
        url = location(response)
    raise AssertionError("the check did not reach the review page")


async def complete(
    client: httpx.AsyncClient,
    answers: Mapping[str, Mapping[str, str]] = ORDINARY,
    **kwargs: object,
) -> str:
    """A whole check from start to submit; returns the results URL."""
    url = await answer_until(client, await start(client), answers, **kwargs)  # type: ignore[arg-type]
    assert url == "/review"
    assert (await client.get("/review")).status_code == 200
    return location(await client.post("/submit"))
