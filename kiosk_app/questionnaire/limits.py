"""Named limits for every number a resident can type.

Two kinds of limit, both deliberately wide:

* ``hard``: outside it the value cannot be a real measurement of a person, so
  it is refused with a message saying how to fix it.
* ``usual``: inside ``hard`` but rare enough that a typo is likelier (a missing
  digit, kilograms typed as pounds). The person is asked to confirm; nothing is
  refused. These are product choices to catch slips, not clinical thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Range:
    low: Decimal
    high: Decimal

    def __contains__(self, value: Decimal) -> bool:
        return self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class Limits:
    hard: Range
    usual: Range


def _limits(hard: tuple[str, str], usual: tuple[str, str]) -> Limits:
    return Limits(
        Range(Decimal(hard[0]), Decimal(hard[1])), Range(Decimal(usual[0]), Decimal(usual[1]))
    )


LIMITS: dict[str, Limits] = {
    # Adult bands stop below 18 (clinical.md §9 E1) but the check still runs.
    "age": _limits(("1", "120"), ("16", "100")),
    # 272 cm is the tallest person ever measured (Robert Wadlow); 50 cm is
    # below any recorded adult. Typing inches as cm lands under 120.
    "height_cm": _limits(("50", "272"), ("120", "215")),
    # A weight under 20 kg or over 400 kg is not a person standing on a kiosk
    # scale (most kiosk scales stop at 200–300 kg).
    "weight_kg": _limits(("20", "400"), ("35", "200")),
    "waist_cm": _limits(("40", "250"), ("55", "170")),
    # Plausibility from bp-devices.md §2.2: a record is rejected unless
    # systolic is 40–300 and diastolic 20–200 mmHg, and systolic > diastolic.
    "systolic": _limits(("40", "300"), ("70", "250")),
    "diastolic": _limits(("20", "200"), ("40", "140")),
    "pulse": _limits(("20", "250"), ("40", "150")),
    "cigarettes_per_day": _limits(("0", "200"), ("0", "80")),
}
