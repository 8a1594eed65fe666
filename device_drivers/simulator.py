"""A simulated blood pressure cuff: the default device in ``make run``.

It behaves like a real automatic cuff: the pressure climbs to about 30 mmHg
above systolic, then falls in steps while the cuff measures, and the result
arrives at the end. A real cuff takes 30–45 s; ``speed`` compresses that for
demos and tests. What it measures comes from a script, so a tester can walk
the NICE repeat-reading rule or a failure on purpose.

Script entries, used in turn and then repeated from the start:
    "128/82/70"            systolic/diastolic/pulse
    "145/92/70/irregular"  the cuff also flags an irregular pulse
    "error:movement"       the measurement fails (any FailureReason value)
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass

from device_drivers.events import (
    BloodPressureMeasured,
    CuffPressure,
    DeviceEvent,
    FailureReason,
    MeasurementFailed,
    Provenance,
)

DEVICE_NAME = "simulator"
# Stored with every simulated reading, so a record never passes for a real cuff's.
_PROVENANCE = Provenance(device_model="Vital 5 simulated cuff", device_id=DEVICE_NAME)
# A comfortable default sequence: a normal reading every time.
DEFAULT_SCRIPT = ("126/79/68",)
_INFLATE_STEP_MMHG = 10
_DEFLATE_STEP_MMHG = 4
# Seconds per pressure update at speed 1.0; ~35 s for a whole measurement.
_TICK_S = 0.5


@dataclass(frozen=True, slots=True)
class ScriptEntry:
    outcome: BloodPressureMeasured | MeasurementFailed


def parse_script(entries: Sequence[str]) -> tuple[ScriptEntry, ...]:
    """Read script entries; raises ValueError naming the bad entry."""
    parsed = []
    for raw in entries:
        text = raw.strip()
        if text.startswith("error:"):
            parsed.append(ScriptEntry(MeasurementFailed(FailureReason(text[6:]), DEVICE_NAME)))
            continue
        parts = text.split("/")
        if len(parts) not in (3, 4) or (len(parts) == 4 and parts[3] != "irregular"):
            raise ValueError(f"bad simulator script entry {raw!r}")
        systolic, diastolic, pulse = (int(p) for p in parts[:3])
        measured = BloodPressureMeasured(
            systolic, diastolic, pulse, len(parts) == 4, DEVICE_NAME, provenance=_PROVENANCE
        )
        parsed.append(ScriptEntry(measured))
    if not parsed:
        raise ValueError("simulator script is empty")
    return tuple(parsed)


def pressure_curve(systolic: int, diastolic: int) -> list[int]:
    """Cuff pressures shown while measuring: up past systolic, then down."""
    peak = systolic + 30
    rising = [*list(range(0, peak, _INFLATE_STEP_MMHG)), peak]
    falling = list(range(peak - _DEFLATE_STEP_MMHG, diastolic - 10, -_DEFLATE_STEP_MMHG))
    return rising + falling


class SimulatedCuff:
    """An async cuff driven by a script; ``measure()`` yields device events."""

    name = DEVICE_NAME

    def __init__(self, script: Sequence[str] = DEFAULT_SCRIPT, speed: float = 1.0) -> None:
        self._script = parse_script(script)
        self._speed = speed
        self._next = 0
        self._lock = asyncio.Lock()

    async def measure(self) -> AsyncGenerator[DeviceEvent, None]:
        # One measurement at a time, like a real cuff on one arm.
        async with self._lock:
            entry = self._script[self._next % len(self._script)]
            self._next += 1
            outcome = entry.outcome
            if isinstance(outcome, BloodPressureMeasured):
                curve = pressure_curve(outcome.systolic, outcome.diastolic)
            else:
                curve = pressure_curve(140, 90)[:12]  # fails partway through inflating
            for mmhg in curve:
                yield CuffPressure(mmhg)
                await asyncio.sleep(_TICK_S / self._speed)
            yield outcome
