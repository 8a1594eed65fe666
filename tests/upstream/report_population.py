"""Synthetic checks for the equity report tests: answers to seal, and a known population.

Answers follow docs/score-json.md; results are scored by the kiosk's own
code (fake_kiosk.plaintext_for), so the report is tested against what a
kiosk would really send. Postcodes are in the made-up "ZZ" area and match
the lookup files in fixtures/report/ (see its README).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.upstream.fake_kiosk import new_id, plaintext_for

FIXTURES = Path(__file__).parent / "fixtures" / "report"

STAGE_1 = (150, 95)
NORMAL = (118, 76)


def answers(
    *,
    age: int = 45,
    sex: str = "female",
    ethnicity: str = "white_british",
    postcode: str | None = None,
    bp: tuple[int, int] | None = NORMAL,
    height_cm: float | None = 170.0,
    weight_kg: float | None = 62.0,
    smoking: str | None = "never",
    vaping: str | None = None,
    audit_c: tuple[int, int | None, int | None] | None = (1, 1, 0),
    phq4: tuple[int, int, int, int] | None = (0, 0, 0, 0),
    pregnant: bool | None = None,
) -> dict[str, Any]:
    readings = (
        []
        if bp is None
        else [{"systolic": bp[0], "diastolic": bp[1], "pulse": 70, "irregular_pulse": False}] * 2
    )
    about = {
        "age": age,
        "sex": sex,
        "ethnicity": ethnicity,
        "pregnant": pregnant,
        "postcode": postcode,
    }
    return {
        "about": about,
        "bp_readings": readings,
        "body": {"height_cm": height_cm, "weight_kg": weight_kg, "waist_cm": None},
        "smoking": None
        if smoking is None
        else {
            "status": smoking,
            "cigarettes_per_day": None,
            "other_tobacco": False,
            "vaping": vaping,
        },
        "alcohol": None if audit_c is None else dict(zip(("q1", "q2", "q3"), audit_c, strict=True)),
        "mind": None
        if phq4 is None
        else {
            "phq4": dict(
                zip(("nervous", "worrying", "little_interest", "feeling_down"), phq4, strict=True)
            ),
            "self_harm_thoughts": False,
        },
    }


def plaintext(**kwargs: Any) -> dict[str, Any]:
    return plaintext_for(new_id(), answers(**kwargs))


@dataclass(frozen=True)
class Group:
    """``count`` checks alike, sent by the kiosk at ``site``."""

    site: str
    count: int
    answers: dict[str, Any]


# 44 checks. Boroughs: 22 Ashford Vale (20 by postcode, 2 by site), 15 Brook
# Hill (12 by postcode, 3 by site), 6 Cedar Green (postcode district), 1 unknown.
# test_report_endpoints.py works out by hand what the report must show.
_SOUTH = {"postcode": "ZZ2 2BA", "age": 62, "sex": "male", "ethnicity": "black_african"}
_NORTH_DISTRICT = {"postcode": "ZZ3 1AA", "age": 25, "ethnicity": "asian_indian"}

POPULATION = (
    Group("site-north", 6, {"postcode": "ZZ1 1AA", "bp": STAGE_1, "smoking": "current"}),
    Group("site-north", 6, {"postcode": "zz1 1aa", "bp": STAGE_1}),
    Group("site-north", 8, {"postcode": "ZZ1 1AA"}),
    Group("site-north", 2, {"age": 16, "postcode": "ZZ8 8ZZ", "smoking": "current"}),
    Group("site-south", 5, {**_SOUTH, "bp": STAGE_1}),
    Group("site-south", 7, _SOUTH),
    Group("site-south", 3, {"age": 70, "sex": "male", "ethnicity": "black_caribbean"}),
    Group("site-north", 6, {**_NORTH_DISTRICT, "weight_kg": 80.0}),  # BMI 27.7: obese, lower
    Group("site-elsewhere", 1, {"age": 40, "sex": "not_stated", "ethnicity": "not_stated"}),
)
