"""A simulated scale with a height rod: the default scale in ``make run``.

Like a real kiosk scale it takes a moment to settle, then reports weight
and, where the station has a height rod, height. ``weight_kg=None`` makes it
fail the way an empty plate does, so the plain-words failure path can be
walked on purpose.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

from device_drivers.errors import ImplausibleReadingError
from device_drivers.serial.tanita_protocol import ScaleReading

DEVICE_NAME = "simulated-scale"
# A real platform scale needs ~2–4 s to settle once the person stands still.
_SETTLE_S = 3.0


class SimulatedScale:
    name = DEVICE_NAME

    def __init__(
        self,
        weight_kg: str | None = "72.4",
        height_cm: str | None = "168.0",
        speed: float = 1.0,
    ) -> None:
        self._weight = Decimal(weight_kg) if weight_kg is not None else None
        self._height = Decimal(height_cm) if height_cm is not None else None
        self._speed = speed

    async def weigh(self) -> ScaleReading:
        await asyncio.sleep(_SETTLE_S / self._speed)
        if self._weight is None:
            raise ImplausibleReadingError("nobody on the scale")
        return ScaleReading(
            model="Vital 5 simulated scale",
            weight_kg=self._weight,
            height_cm=self._height,
            bmi=None,
            body_fat_percent=None,
            tare_kg=None,
        )
