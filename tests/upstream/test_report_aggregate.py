"""The equity report's pure parts: groups, risk definitions read from the result, tabulation."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.upstream.report_population import NORMAL, STAGE_1, plaintext
from upstream.report.aggregate import (
    RISKS,
    UNDER_18,
    Cell,
    Dimension,
    Facts,
    Row,
    age_band,
    ethnic_group,
    imd_quintile,
    tabulate,
)
from upstream.report.extract import Partial, UnreadableRecordError, extract


@pytest.mark.parametrize(
    ("age", "band"),
    [(0, UNDER_18), (17, UNDER_18), (18, "18_29"), (29, "18_29"), (30, "30_44"),
     (44, "30_44"), (45, "45_59"), (59, "45_59"), (60, "60_74"), (74, "60_74"),
     (75, "75_plus"), (150, "75_plus")],
)  # fmt: skip
def test_age_bands(age: int, band: str) -> None:
    assert age_band(age) == band


@pytest.mark.parametrize(
    ("code", "group"),
    [("white_british", "white"), ("white_gypsy_or_irish_traveller", "white"),
     ("mixed_white_black_african", "mixed"), ("asian_chinese", "asian"),
     ("black_caribbean", "black"), ("black_other", "black"),
     ("arab_or_middle_eastern", "other"), ("other", "other"), ("not_stated", "not_stated")],
)  # fmt: skip
def test_ethnic_groups_are_the_ons_2021_high_level_groups(code: str, group: str) -> None:
    assert ethnic_group(code) == group


@pytest.mark.parametrize(
    ("decile", "quintile"),
    [(1, "1"), (2, "1"), (3, "2"), (4, "2"), (9, "5"), (10, "5"),
     (None, "unknown"), (0, "unknown"), (11, "unknown")],
)  # fmt: skip
def test_imd_deciles_pair_into_quintiles(decile: int | None, quintile: str) -> None:
    assert imd_quintile(decile) == quintile


def _partial(**answers: Any) -> Partial:
    body = plaintext(**answers)
    return extract(json.dumps(body).encode(), record_id=body["id"], site_id="site-north")


# (answers, expected risks in RISKS order: bp, weight, alcohol, mind, smoking)
RISK_CASES: list[tuple[str, dict[str, Any], tuple[bool | None, ...]]] = [
    ("nothing at risk", {}, (False, False, False, False, False)),
    ("stage 1 blood pressure", {"bp": STAGE_1}, (True, False, False, False, False)),
    ("severe blood pressure", {"bp": (185, 121)}, (True, False, False, False, False)),
    ("high normal is not at risk", {"bp": (135, 85)}, (False, False, False, False, False)),
    ("no readings: not assessed", {"bp": None}, (None, False, False, False, False)),
    ("BMI 27.7 is overweight", {"weight_kg": 80.0}, (False, True, False, False, False)),
    ("BMI 24.2 on standard thresholds", {"weight_kg": 70.0}, (False, False, False, False, False)),
    (
        "BMI 24.2 is overweight on the lower thresholds",
        {"weight_kg": 70.0, "ethnicity": "asian_bangladeshi"},
        (False, True, False, False, False),
    ),
    ("BMI not measured", {"weight_kg": None}, (False, None, False, False, False)),
    ("pregnant: no BMI category", {"pregnant": True}, (False, None, False, False, False)),
    ("AUDIT-C 4", {"audit_c": (2, 1, 1)}, (False, False, False, False, False)),
    ("AUDIT-C 5", {"audit_c": (3, 1, 1)}, (False, False, True, False, False)),
    ("never drinks", {"audit_c": (0, None, None)}, (False, False, False, False, False)),
    ("alcohol skipped", {"audit_c": None}, (False, False, None, False, False)),
    ("GAD-2 of 3 is positive", {"phq4": (2, 1, 0, 0)}, (False, False, False, True, False)),
    ("PHQ-2 of 3 is positive", {"phq4": (0, 0, 1, 2)}, (False, False, False, True, False)),
    ("PHQ-4 of 4, neither subscale 3", {"phq4": (1, 1, 1, 1)}, (False, False, False, False, False)),
    ("PHQ-4 skipped", {"phq4": None}, (False, False, False, None, False)),
    ("current smoker", {"smoking": "current"}, (False, False, False, False, True)),
    ("ex-smoker who vapes", {"smoking": "ex", "vaping": "current"}, (False,) * 5),
    ("smoking skipped", {"smoking": None}, (False, False, False, False, None)),
    (
        "under 18: nothing assessed",
        {"age": 16, "bp": STAGE_1, "smoking": "current"},
        (None,) * 5,
    ),
]


@pytest.mark.parametrize(
    ("answers", "risks"), [c[1:] for c in RISK_CASES], ids=[c[0] for c in RISK_CASES]
)
def test_risks_are_read_from_the_kiosks_result(
    answers: dict[str, Any], risks: tuple[bool | None, ...]
) -> None:
    assert _partial(**answers).risks == risks


def test_a_partial_keeps_coded_groups_and_a_normalised_postcode_only() -> None:
    partial = _partial(
        age=62, sex="male", ethnicity="black_african", postcode=" zz2  2ba", bp=NORMAL
    )

    assert partial == Partial(
        site_id="site-north",
        postcode="ZZ22BA",
        age_band="60_74",
        sex="male",
        ethnic_group="black",
        risks=(False, False, False, False, False),
    )


def test_a_postcode_of_the_wrong_shape_is_dropped() -> None:
    assert _partial(postcode="not a postcode").postcode is None


def test_a_record_that_is_not_the_protocols_is_unreadable() -> None:
    body = plaintext()
    del body["result"]["adult_thresholds_apply"]

    with pytest.raises(UnreadableRecordError):
        extract(json.dumps(body).encode(), record_id=body["id"], site_id="s")
    with pytest.raises(UnreadableRecordError):
        extract(b"not json", record_id=body["id"], site_id="s")


def _facts(borough: str, age: str, risks: tuple[bool | None, ...], sex: str = "female") -> Facts:
    return Facts(borough, age, sex, "white", "unknown", risks)


def test_tabulate_gives_every_group_a_row_and_a_total() -> None:
    smoker = (None, None, None, None, True)
    weighted = [
        (_facts("Ashford Vale", "18_29", smoker), 6),
        (_facts("Ashford Vale", "30_44", (None, None, None, None, False)), 4),
        (_facts("Brook Hill", UNDER_18, (None,) * 5, sex="male"), 2),
    ]

    tables = {table.dimension: table for table in tabulate(weighted, boroughs={"Cedar Green"})}

    borough = tables[Dimension.BOROUGH]
    assert [row.group for row in borough.rows] == [
        "Ashford Vale",
        "Brook Hill",
        "Cedar Green",
        "unknown",
    ]
    empty = (Cell(0, 0),) * 4
    assert borough.rows[0] == Row("Ashford Vale", 10, (*empty, Cell(6, 10)))
    assert borough.rows[2] == Row("Cedar Green", 0, (*empty, Cell(0, 0)))
    assert borough.total == Row("total", 12, (*empty, Cell(6, 10)))
    age = tables[Dimension.AGE_BAND]
    assert age.rows[0] == Row(UNDER_18, 2, None)  # risks do not exist for under-18s
    assert [row.group for row in tables[Dimension.IMD_QUINTILE].rows][-1] == "unknown"


def test_under_18s_count_in_no_risk_cell_of_any_table() -> None:
    # Even if a result claimed a risk for a child, no table may count it: the
    # age table has no cell for it, so another table's total would expose it.
    weighted = [
        (_facts("Ashford Vale", UNDER_18, (True,) * 5), 3),
        (_facts("Ashford Vale", "45_59", (True,) * 5), 7),
    ]

    for table in tabulate(weighted):
        assert table.total.risks == (Cell(7, 7),) * len(RISKS)
        for index in range(len(RISKS)):
            cells = [row.risks[index] for row in table.rows if row.risks is not None]
            assert sum(c.numerator for c in cells) == 7
            assert sum(c.denominator for c in cells) == 7
