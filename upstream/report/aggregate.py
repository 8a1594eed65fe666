"""Equity aggregates: checks and Vital 5 risks counted by group. Pure: plain values in and out.

One record contributes one `Facts`: its group on each `Dimension` and, for
each `Risk`, True (at risk), False (assessed, not at risk) or None (not
assessed). `tabulate` folds weighted facts into one `Table` per dimension:
a row per group (every known group, in a fixed order, even when empty, so
that a missing row never says anything) and a total row. Each table is a
one-way breakdown of the same population; there are no cross-tabulations,
which keeps the suppression in `suppress.py` sound (see there).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Dimension(StrEnum):
    BOROUGH = "borough"
    AGE_BAND = "age_band"
    SEX = "sex"
    ETHNIC_GROUP = "ethnic_group"
    IMD_QUINTILE = "imd_quintile"


class Risk(StrEnum):
    """The five risks, defined on the result JSON in report/extract.py."""

    BLOOD_PRESSURE = "bp_stage_1_or_above"
    WEIGHT = "bmi_overweight_or_obese"
    ALCOHOL = "audit_c_5_or_more"
    MIND = "phq4_positive"
    SMOKING = "current_smoker"


RISKS: tuple[Risk, ...] = tuple(Risk)
UNKNOWN = "unknown"
UNDER_18 = "under_18"

# Groups in the order shown. Boroughs are not fixed: they come from the lookups.
AGE_BANDS = (UNDER_18, "18_29", "30_44", "45_59", "60_74", "75_plus")
SEXES = ("female", "male", "intersex", "not_stated")
ETHNIC_GROUPS = ("white", "mixed", "asian", "black", "other", "not_stated")
IMD_QUINTILES = ("1", "2", "3", "4", "5", UNKNOWN)

# Rows whose risk cells do not exist: every risk here is judged on adult
# thresholds, so under-18s are never assessed (a structural zero, not a
# small number; it is shown as "not applicable" and never suppressed).
NOT_APPLICABLE = frozenset({(Dimension.AGE_BAND, UNDER_18)})


@dataclass(frozen=True, slots=True)
class Facts:
    borough: str
    age_band: str
    sex: str
    ethnic_group: str
    imd_quintile: str
    risks: tuple[bool | None, ...]  # in RISKS order

    def group(self, dimension: Dimension) -> str:
        value: str = getattr(self, dimension.value)
        return value


@dataclass(frozen=True, slots=True)
class Cell:
    """A rate: ``numerator`` at risk out of ``denominator`` assessed."""

    numerator: int
    denominator: int


@dataclass(frozen=True, slots=True)
class Row:
    group: str
    checks: int
    risks: tuple[Cell, ...] | None  # None: not applicable to this group


@dataclass(frozen=True, slots=True)
class Table:
    dimension: Dimension
    rows: tuple[Row, ...]
    total: Row


def age_band(age: int) -> str:
    for upper, band in ((18, UNDER_18), (30, "18_29"), (45, "30_44"), (60, "45_59"), (75, "60_74")):
        if age < upper:
            return band
    return "75_plus"


def ethnic_group(code: str) -> str:
    """The ONS 2021 high-level group of a detailed code (score-json.md ``about.ethnicity``)."""
    if code == "not_stated":
        return "not_stated"
    if code == "arab_or_middle_eastern":
        return "other"  # ONS 2021 puts Arab under "Other ethnic group"
    prefix = code.split("_", 1)[0]
    return prefix if prefix in ETHNIC_GROUPS else "other"


def imd_quintile(decile: int | None) -> str:
    """IMD decile 1-10 (1 = most deprived 10% of LSOAs) to quintile 1-5, or unknown."""
    if decile is None or not 1 <= decile <= 10:
        return UNKNOWN
    return str((decile + 1) // 2)


def groups_for(
    dimension: Dimension, boroughs: Iterable[str] = (), *, quintiles: bool = True
) -> tuple[str, ...]:
    """The rows of a dimension's table. Without IMD data every quintile is unknown: one row
    (empty quintile rows would be zeros to suppress, hiding the one row there is)."""
    fixed: Mapping[Dimension, Sequence[str]] = {
        Dimension.AGE_BAND: AGE_BANDS,
        Dimension.SEX: SEXES,
        Dimension.ETHNIC_GROUP: ETHNIC_GROUPS,
        Dimension.IMD_QUINTILE: IMD_QUINTILES if quintiles else (UNKNOWN,),
    }
    if dimension in fixed:
        return tuple(fixed[dimension])
    return (*sorted(set(boroughs) - {UNKNOWN}), UNKNOWN)


def tabulate(
    weighted: Iterable[tuple[Facts, int]], boroughs: Iterable[str] = (), *, quintiles: bool = True
) -> list[Table]:
    """One table per dimension from (facts, how many records had exactly these facts).

    ``boroughs``: listed even when empty; ``quintiles``: whether IMD data exists at all.
    """
    facts = list(weighted)
    known = {*boroughs, *(fact.borough for fact, _ in facts)}
    return [
        _table(dimension, facts, groups_for(dimension, known, quintiles=quintiles))
        for dimension in Dimension
    ]


def _table(
    dimension: Dimension, facts: Sequence[tuple[Facts, int]], groups: Sequence[str]
) -> Table:
    rows = []
    for group in groups:
        members = [(fact, n) for fact, n in facts if fact.group(dimension) == group]
        applicable = (dimension, group) not in NOT_APPLICABLE
        rows.append(_row(group, members, applicable))
    return Table(dimension, tuple(rows), _row("total", facts, applicable=True))


def _row(group: str, members: Sequence[tuple[Facts, int]], applicable: bool) -> Row:
    checks = sum(n for _, n in members)
    if not applicable:
        return Row(group, checks, None)
    assessable = [(fact, n) for fact, n in members if _assessable(fact)]
    cells = []
    for index in range(len(RISKS)):
        assessed = [(f.risks[index], n) for f, n in assessable if f.risks[index] is not None]
        cells.append(
            Cell(sum(n for at_risk, n in assessed if at_risk), sum(n for _, n in assessed))
        )
    return Row(group, checks, tuple(cells))


def _assessable(fact: Facts) -> bool:
    # A record in a not-applicable group counts in no risk cell of any table:
    # otherwise, say, the sex table's smoking total would exceed the sum of
    # the age table's adult rows, and the difference would give it away.
    return not any((dimension, fact.group(dimension)) in NOT_APPLICABLE for dimension in Dimension)
