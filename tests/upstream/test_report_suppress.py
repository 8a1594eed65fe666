"""Small-number suppression (upstream/report/suppress.py): the rule as tables, as properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from upstream.report.aggregate import Cell, Dimension, Row, Table
from upstream.report.suppress import (
    Parts,
    ShownRow,
    is_small,
    suppress_column,
    suppress_counts,
    suppress_table,
)


@pytest.mark.parametrize(
    ("parts", "small"),
    [
        ((5,), False),
        ((4,), True),
        ((0,), True),  # zero too: "fewer than 5"
        ((5, 5), False),  # 5 at risk of 10
        ((4, 20), True),  # numerator small
        ((20, 4), True),  # the complement small: 20 of 24 at risk
        ((0, 0), True),  # nobody assessed
        ((2, 2), True),  # a denominator of 4
    ],
)
def test_the_primary_rule(parts: Parts, small: bool) -> None:
    assert is_small(parts) is small


COLUMNS: list[tuple[str, list[Parts | None], set[int]]] = [
    ("all large: nothing hidden", [(10,), (7,), (5,)], set()),
    ("one small: the smallest other joins it", [(3,), (10,), (7,)], {0, 2}),
    ("two small adding up to 5 or more protect each other", [(3,), (4,), (10,)], {0, 1}),
    ("two small adding up to less than 5 need a third", [(1,), (2,), (10,), (8,)], {0, 1, 3}),
    ("a zero is small and needs a partner", [(0,), (20,), (30,)], {0, 1}),
    ("ties go to the first in table order", [(2,), (9,), (9,)], {0, 1}),
    ("cells that do not exist are skipped", [None, (3,), (10,), (12,)], {1, 2}),
    ("a one-group column equals its total", [(12,)], set()),
    ("everything small: everything hidden", [(1,), (2,)], {0, 1}),
    (
        "rate: small numerator, partner has the smallest denominator",
        [(3, 10), (10, 10), (20, 30)],
        {0, 1},
    ),
    ("rate: small complement (7 of 8) is hidden too", [(7, 1), (20, 20), (30, 30)], {0, 1}),
    ("rate: both hidden but none not at risk: a third", [(4, 0), (4, 0), (50, 50)], {0, 1, 2}),
    ("rate: two hidden with enough of both parts", [(2, 8), (3, 9), (40, 40)], {0, 1}),
    ("rate: nobody assessed in a group is suppressed", [(0, 0), (10, 10), (12, 30)], {0, 1}),
]


@pytest.mark.parametrize(("cells", "hidden"), [c[1:] for c in COLUMNS], ids=[c[0] for c in COLUMNS])
def test_suppress_column(cells: list[Parts | None], hidden: set[int]) -> None:
    assert suppress_column(cells) == hidden


def test_a_lone_suppressed_borough_cannot_be_recovered_from_the_total() -> None:
    # Without secondary suppression: 60 - (30 + 27) = 3 would give it back.
    cells: list[Parts | None] = [(30,), (27,), (3,)]
    hidden = suppress_column(cells)
    shown = sum(part[0] for i, part in enumerate(cells) if part and i not in hidden)

    assert hidden == {1, 2}
    assert 60 - shown == 30  # all subtraction yields: 27 + 3, no small number


def _table(rows: list[Row]) -> Table:
    checks = sum(row.checks for row in rows)
    width = max(len(row.risks or ()) for row in rows)
    sums = [
        Cell(
            sum(r.risks[i].numerator for r in rows if r.risks),
            sum(r.risks[i].denominator for r in rows if r.risks),
        )
        for i in range(width)
    ]
    return Table(Dimension.AGE_BAND, tuple(rows), Row("total", checks, tuple(sums)))


def test_a_table_suppresses_each_column_on_its_own_and_keeps_totals() -> None:
    table = _table(
        [
            Row("under_18", 3, None),
            Row("18_29", 40, (Cell(10, 38), Cell(2, 30))),
            Row("30_44", 50, (Cell(20, 45), Cell(15, 44))),
            Row("45_59", 60, (Cell(30, 55), Cell(25, 58))),
        ]
    )

    shown = suppress_table(table)

    assert shown.rows == (
        ShownRow("under_18", None, None),  # 3 checks: small; risks do not exist
        ShownRow("18_29", None, (Cell(10, 38), None)),  # checks: the partner of under-18s
        ShownRow("30_44", 50, (Cell(20, 45), None)),  # partner of 2 of 30
        ShownRow("45_59", 60, (Cell(30, 55), Cell(25, 58))),
    )
    assert shown.total == ShownRow("total", 153, (Cell(60, 138), Cell(42, 132)))


def test_a_small_total_is_suppressed_and_so_is_every_cell_under_it() -> None:
    table = _table([Row("female", 3, (Cell(1, 3),)), Row("male", 1, (Cell(0, 1),))])

    shown = suppress_table(table)

    assert shown.total == ShownRow("total", None, (None,))
    assert all(row.checks is None and row.risks == (None,) for row in shown.rows)


def test_suppress_counts_for_a_one_column_breakdown() -> None:
    counts = {"postcode_lookup": 40, "postcode_district": 12, "site": 2, "unknown": 0}

    assert suppress_counts(counts) == {
        "postcode_lookup": 40,
        "postcode_district": None,
        "site": None,
        "unknown": None,
    }


_counts = st.lists(st.integers(0, 40), min_size=1, max_size=8)
_rates = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 40)).map(lambda kd: (kd[0], kd[0] + kd[1])),
    min_size=1,
    max_size=8,
)


@given(_counts)
def test_no_suppressed_count_comes_back_by_subtraction(counts: list[int]) -> None:
    cells: list[Parts | None] = [(n,) for n in counts]
    hidden = suppress_column(cells)
    _assert_protected(cells, hidden, total_small=sum(counts) < 5)


@given(_rates)
def test_no_suppressed_rate_comes_back_by_subtraction(rates: list[tuple[int, int]]) -> None:
    cells: list[Parts | None] = [(k, d - k) for k, d in rates]
    hidden = suppress_column(cells)
    numerator = sum(k for k, _ in rates)
    denominator = sum(d for _, d in rates)
    _assert_protected(cells, hidden, total_small=is_small((numerator, denominator - numerator)))


def _assert_protected(cells: list[Parts | None], hidden: frozenset[int], total_small: bool) -> None:
    present = [i for i, parts in enumerate(cells) if parts is not None]
    # Every small cell is hidden ...
    assert {i for i in present if is_small(cells[i] or ())} <= hidden
    if not hidden:
        return
    # ... and what subtraction from the total gives is a sum of at least 5 of
    # each part over at least two cells, unless the total itself is hidden.
    width = len(cells[present[0]] or ())
    sums = [sum((cells[i] or ())[p] for i in hidden) for p in range(width)]
    protected = len(hidden) >= 2 and all(s >= 5 for s in sums)
    assert protected or (total_small and hidden == set(present))
