"""Tanita scales on a serial port: wait for the next weighing.

The scale sends one record after each weighing, unprompted (SC-330 manual
"Transmit data"; tanita_protocol.py has the formats). ``weigh()`` therefore
listens: it opens the port if needed, throws away any record already
waiting (an earlier person's), and returns the next one once it has passed
the plausibility check. Call ``weigh()`` before asking the person to step on.

The BC-418 can also be driven by the host (``U0``, ``D0``..., ``G1``: onyx
Bc418InstrumentRunner); this driver sends nothing, so the operator starts
the weighing on the scale.

Unlike the blood-pressure drivers, ``weigh()`` returns a value, so problems
are raised (device_drivers/errors.py): DeviceNotFoundError (no port),
DeviceDisconnectedError (unplugged while waiting), DeviceTimeoutError (no
weighing in time), ImplausibleReadingError (e.g. an empty plate).
"""

from __future__ import annotations

from typing import Final

from device_drivers.serial import tanita_protocol
from device_drivers.serial.port_device import PortDevice
from device_drivers.serial.tanita_protocol import ScaleReading
from device_drivers.serial.transport import SerialPort

# Judgement, no source: long enough to take shoes off and step on.
DEFAULT_WEIGH_TIMEOUT_S: Final = 120.0


class TanitaScale(PortDevice):
    """A Tanita SC-family scale or BC-418 behind a ``SerialPort``; the
    port's profile (``tanita_sc`` or ``tanita_bc418``) picks the format."""

    def __init__(
        self,
        port: SerialPort,
        *,
        connect_timeout_s: float = 3.0,
        weigh_timeout_s: float = DEFAULT_WEIGH_TIMEOUT_S,
    ) -> None:
        super().__init__(port)
        self._connect_timeout_s = connect_timeout_s
        self._weigh_timeout_s = weigh_timeout_s

    async def weigh(self) -> ScaleReading:
        """The next complete, plausible record from the scale."""
        async with self._lock:
            await self._port.open(timeout_s=self._connect_timeout_s)
            self._port.discard_frames()
            frame = await self._port.read_frame(timeout_s=self._weigh_timeout_s)
            # The framing already decoded the frame once (check_frame), so
            # parse cannot raise here.
            return tanita_protocol.check_plausible(tanita_protocol.parse(frame))
