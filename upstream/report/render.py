"""The equity report as CSV and as rows for the HTML page. Pure: a suppressed report in, text out.

Both outputs say the same thing, cell for cell: a suppressed value is the
word ``suppressed`` in the CSV and "Suppressed" on the page, and a cell that
does not exist (risks for under-18s) is ``not_applicable``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass

from upstream.report.aggregate import RISKS, UNDER_18, UNKNOWN, Cell, Dimension, Risk
from upstream.report.job import EquityReport
from upstream.report.suppress import ShownRow

SUPPRESSED = "suppressed"
NOT_APPLICABLE = "not_applicable"
CSV_COLUMNS = ("dimension", "group", "measure", "count", "denominator", "rate_percent")

DIMENSION_LABELS: Mapping[Dimension, str] = {
    Dimension.BOROUGH: "Borough",
    Dimension.AGE_BAND: "Age band",
    Dimension.SEX: "Sex",
    Dimension.ETHNIC_GROUP: "Ethnic group",
    Dimension.IMD_QUINTILE: "Deprivation (IMD quintile)",
}
RISK_LABELS: Mapping[Risk, str] = {
    Risk.BLOOD_PRESSURE: "Blood pressure stage 1 or above",
    Risk.WEIGHT: "BMI overweight or obese",
    Risk.ALCOHOL: "AUDIT-C 5 or more",
    Risk.MIND: "PHQ-4 positive",
    Risk.SMOKING: "Current smoker",
}
GROUP_LABELS: Mapping[str, str] = {
    UNKNOWN: "Unknown",
    "total": "All checks",
    UNDER_18: "Under 18",
    "18_29": "18 to 29",
    "30_44": "30 to 44",
    "45_59": "45 to 59",
    "60_74": "60 to 74",
    "75_plus": "75 and over",
    "female": "Female",
    "male": "Male",
    "intersex": "Intersex",
    "not_stated": "Not stated",
    "white": "White",
    "mixed": "Mixed or multiple ethnic groups",
    "asian": "Asian or Asian British",
    "black": "Black, Black British, Caribbean or African",
    "other": "Other ethnic group",
    "1": "1 (most deprived)",
    "5": "5 (least deprived)",
    "postcode_lookup": "Postcode lookup",
    "postcode_district": "Postcode district",
    "site": "Kiosk site",
}


@dataclass(frozen=True, slots=True)
class PageRow:
    label: str
    checks: str
    cells: tuple[str, ...]
    is_total: bool = False


def csv_text(report: EquityReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for table in report.tables:
        for row in (*table.rows, table.total):
            dimension, group = table.dimension.value, _cell_safe(row.group)
            writer.writerow((dimension, group, "checks", _count(row.checks), "", ""))
            for risk, cell in _risk_cells(row):
                writer.writerow((dimension, group, risk.value, *_rate_fields(cell)))
    for source, count in report.borough_sources.items():
        writer.writerow(("borough_source", source, "checks", _count(count), "", ""))
    return out.getvalue()


def page_rows(rows: tuple[ShownRow, ...], total: ShownRow) -> list[PageRow]:
    shown = []
    for row in (*rows, total):
        cells = tuple(_rate_text(cell) for _, cell in _risk_cells(row))
        checks = "Suppressed" if row.checks is None else f"{row.checks:,}"
        shown.append(PageRow(group_label(row.group), checks, cells, row is total))
    return shown


def group_label(group: str) -> str:
    return GROUP_LABELS.get(group, group)


def count_text(count: int | None) -> str:
    return "Suppressed" if count is None else f"{count:,}"


def _risk_cells(row: ShownRow) -> list[tuple[Risk, Cell | str | None]]:
    if row.risks is None:
        return [(risk, NOT_APPLICABLE) for risk in RISKS]
    return list(zip(RISKS, row.risks, strict=True))


def _count(count: int | None) -> str:
    return SUPPRESSED if count is None else str(count)


def _rate_fields(cell: Cell | str | None) -> tuple[str, str, str]:
    if isinstance(cell, str):
        return (cell, cell, cell)
    if cell is None:
        return (SUPPRESSED, SUPPRESSED, SUPPRESSED)
    return (str(cell.numerator), str(cell.denominator), _percent(cell))


def _rate_text(cell: Cell | str | None) -> str:
    if isinstance(cell, str):
        return "Not applicable"
    if cell is None:
        return "Suppressed"
    return f"{_percent(cell)}% ({cell.numerator:,} of {cell.denominator:,})"


def _percent(cell: Cell) -> str:
    return f"{100 * cell.numerator / cell.denominator:.1f}"


def _cell_safe(text: str) -> str:
    # A borough name from a lookup file must not become a spreadsheet formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
