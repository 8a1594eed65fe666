"""The web tests' view of the synthetic resident (kiosk_app/synthetic.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import httpx

from kiosk_app import synthetic
from kiosk_app.synthetic import ORDINARY, answer_until

__all__ = ["ORDINARY", "UNHEALTHY", "answer_until", "complete", "location", "start"]

# Red on every domain it can be: a smoker drinking at higher risk, BMI 40.4,
# waist 120 cm, PHQ-4 12 (synthetic).
UNHEALTHY = {
    **ORDINARY,
    "sex": {"sex": "male"},
    "ethnic_group": {"ethnic_group": "white"},
    "ethnicity_white": {"ethnicity": "white_british"},
    "height_weight": {"height_cm": "165", "weight_kg": "110"},
    "waist": {"waist_cm": "120"},
    "smoking": {"smoking_status": "current"},
    "cigarettes": {"cigarettes_per_day": "20"},
    "vaping": {"vaping": "current"},
    "alcohol_q1": {"audit_q1": "4"},
    "alcohol_q2": {"audit_q2": "4"},
    "alcohol_q3": {"audit_q3": "4"},
    "mind_nervous": {"phq4_nervous": "3"},
    "mind_worrying": {"phq4_worrying": "3"},
    "mind_interest": {"phq4_little_interest": "3"},
    "mind_down": {"phq4_feeling_down": "3"},
}

location = synthetic.see_other


async def start(client: httpx.AsyncClient, language: str = "en") -> str:
    """Start and consent; returns where the check goes first."""
    return await synthetic.start(client, language=language)


async def complete(
    client: httpx.AsyncClient,
    answers: Mapping[str, Mapping[str, str]] = ORDINARY,
    *,
    bp: Sequence[Mapping[str, str]] = synthetic.TYPED_BP,
) -> str:
    """A whole check from start to submit; returns the results URL."""
    await synthetic.to_review(client, answers, bp=bp)
    return await synthetic.submit(client)
