"""The web tests' view of the synthetic resident (kiosk_app/synthetic.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import httpx

from kiosk_app import synthetic
from kiosk_app.synthetic import ORDINARY, answer_until

__all__ = ["ORDINARY", "answer_until", "complete", "location", "start"]

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
