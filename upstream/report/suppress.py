"""Small-number suppression of the equity tables. Pure: plain counts in, plain counts out.

The rule (docs/upstream.md, "Small numbers"), with THRESHOLD = 5:

1. **Primary.** A count of checks below 5 is suppressed, zero included. A
   rate cell, k at risk out of d assessed, is suppressed when k < 5 or
   d < 5, and also when d - k < 5: "7 of 8" would otherwise say that nearly
   everyone in a small group is at risk, and the one who is not is a small
   number too.
2. **Secondary (complementary cells).** The groups of a table partition the
   population and the table's total row is shown, so a lone suppressed cell
   would come back as total - shown cells. In every column of every table,
   while fewer than two cells are suppressed, or the suppressed cells
   together hold fewer than 5 at risk or fewer than 5 not at risk (for
   counts: fewer than 5 checks), the shown cell with the smallest
   denominator is suppressed too (ties: the first in table order). Then
   subtraction yields only a sum of at least 5 and 5, never a small number,
   and each suppressed cell could be anything from 0 to that sum.
3. **Totals** follow the primary rule only. A table's total is the same in
   every table (it is everyone), so it is suppressed everywhere or nowhere;
   and when it is suppressed, so is every group cell of its column (no
   group's part can exceed the total's), so it cannot be rebuilt either.
4. **One-way tables only.** Cross-tabulations (borough by ethnic group…)
   would link tables through shared margins, where cell-by-cell rules are
   not enough; the report publishes none.

Cells that do not exist (`aggregate.NOT_APPLICABLE`, e.g. risks for
under-18s) are structural zeros: never suppressed, never counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from upstream.report.aggregate import Cell, Dimension, Row, Table

THRESHOLD = 5

Parts = tuple[int, ...]  # what a cell adds to its column's total: (n,) or (k, d - k)


@dataclass(frozen=True, slots=True)
class ShownRow:
    """A row as published: ``None`` for a suppressed value."""

    group: str
    checks: int | None
    risks: tuple[Cell | None, ...] | None  # None: not applicable to this group


@dataclass(frozen=True, slots=True)
class ShownTable:
    dimension: Dimension
    rows: tuple[ShownRow, ...]
    total: ShownRow


def count_parts(count: int) -> Parts:
    return (count,)


def rate_parts(cell: Cell) -> Parts:
    return (cell.numerator, cell.denominator - cell.numerator)


def is_small(parts: Parts, threshold: int = THRESHOLD) -> bool:
    """The primary rule: any part below the threshold (a rate's d < t implies one is)."""
    return any(part < threshold for part in parts)


def suppress_column(cells: Sequence[Parts | None], threshold: int = THRESHOLD) -> frozenset[int]:
    """Indices to suppress in a column whose cells add up to a shown total (None: no cell)."""
    present = [index for index, parts in enumerate(cells) if parts is not None]
    hidden = {index for index in present if is_small(_parts(cells, index), threshold)}
    while hidden and not _protected(cells, hidden, threshold):
        shown = [index for index in present if index not in hidden]
        if not shown:
            # Everything is hidden: the column's total is itself small, and
            # suppressed by the primary rule (rule 3), so nothing is exposed.
            break
        hidden.add(min(shown, key=lambda index: (sum(_parts(cells, index)), index)))
    return frozenset(hidden)


def suppress_table(table: Table, threshold: int = THRESHOLD) -> ShownTable:
    checks_hidden = suppress_column([count_parts(row.checks) for row in table.rows], threshold)
    risks_hidden = [
        suppress_column(
            [None if row.risks is None else rate_parts(row.risks[risk]) for row in table.rows],
            threshold,
        )
        for risk in range(len(table.total.risks or ()))
    ]
    rows = tuple(
        _shown(row, index in checks_hidden, [index in hidden for hidden in risks_hidden])
        for index, row in enumerate(table.rows)
    )
    total = table.total
    total_risks = [is_small(rate_parts(cell), threshold) for cell in total.risks or ()]
    return ShownTable(
        table.dimension,
        rows,
        _shown(total, is_small(count_parts(total.checks), threshold), total_risks),
    )


def suppress_counts(counts: Mapping[str, int], threshold: int = THRESHOLD) -> dict[str, int | None]:
    """A one-column breakdown of the total (e.g. how boroughs were found), suppressed alike."""
    keys = list(counts)
    hidden = suppress_column([count_parts(counts[key]) for key in keys], threshold)
    return {key: None if index in hidden else counts[key] for index, key in enumerate(keys)}


def _parts(cells: Sequence[Parts | None], index: int) -> Parts:
    parts = cells[index]
    assert parts is not None
    return parts


def _protected(cells: Sequence[Parts | None], hidden: set[int], threshold: int) -> bool:
    if len(hidden) < 2:
        return False
    width = len(_parts(cells, next(iter(hidden))))
    sums = [sum(_parts(cells, index)[part] for index in hidden) for part in range(width)]
    return all(total >= threshold for total in sums)


def _shown(row: Row, checks_hidden: bool, risks_hidden: Sequence[bool]) -> ShownRow:
    risks = (
        None
        if row.risks is None
        else tuple(
            None if hide else cell for cell, hide in zip(row.risks, risks_hidden, strict=True)
        )
    )
    return ShownRow(row.group, None if checks_hidden else row.checks, risks)
