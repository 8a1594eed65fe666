"""Omron HBP-9020 / HBP-9030 professional monitor on a serial port.

The monitor is not remote-controlled: the resident (or staff) presses START
on the monitor, and when the measurement is over it sends one record by
itself (bp-devices.md §4.2; omron_protocol.py has the formats). So:

* ``measure()`` yields **no live pressure**: nothing is sent while the cuff
  inflates, and no public source names a command to ask for one. The kiosk
  page should show "press START on the monitor" instead of a gauge.
* Only a record that arrives *after* ``measure()`` was called counts; one
  already waiting (an earlier person's) is thrown away. Call ``measure()``
  first, then ask the resident to press START.
* The kiosk cannot stop the measurement: there is no ABORT to send. Closing
  the generator only stops listening; the monitor deflates by itself.

Every measurement ends in exactly one ``BloodPressureMeasured`` or
``MeasurementFailed``; transport problems are reported as failures
(NOT_FOUND, DISCONNECTED, TIMEOUT), never raised. How the monitor reports a
failed measurement is unknown (no sample found): numbers that cannot be real
become IMPLAUSIBLE, and a monitor that sends nothing becomes TIMEOUT.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncGenerator
from typing import Final

from device_drivers.errors import (
    DeviceDisconnectedError,
    DeviceNotFoundError,
    DeviceTimeoutError,
    ImplausibleReadingError,
)
from device_drivers.events import (
    BloodPressureMeasured,
    DeviceEvent,
    FailureReason,
    MeasurementFailed,
    Provenance,
)
from device_drivers.serial import omron_protocol
from device_drivers.serial.port_device import PortDevice
from device_drivers.serial.transport import SerialPort

_LOG = logging.getLogger(__name__)

DEFAULT_MODEL: Final = "Omron HBP-9020"
# Judgement, no source: a monitor measurement takes under a minute; three
# minutes also covers a resident who takes a while to sit and press START.
DEFAULT_RESULT_TIMEOUT_S: Final = 180.0


class OmronMonitor(PortDevice):
    """An Omron HBP-9020/9030 behind a ``SerialPort``.

    The port's profile picks the record format: ``omron_hbp9020`` for the
    "Mode 5, F3" line, ``omron_stx`` for the older STX packet (profiles.py).
    """

    def __init__(
        self,
        port: SerialPort,
        *,
        device_model: str = DEFAULT_MODEL,
        connect_timeout_s: float = 3.0,
        result_timeout_s: float = DEFAULT_RESULT_TIMEOUT_S,
    ) -> None:
        super().__init__(port)
        self._device_model = device_model
        self._connect_timeout_s = connect_timeout_s
        self._result_timeout_s = result_timeout_s

    async def measure(self) -> AsyncGenerator[DeviceEvent, None]:
        """Wait for the monitor's next record; yields exactly one event.

        No ``CuffPressure`` events: the monitor sends nothing until the
        measurement is over.
        """
        async with self._lock:
            outcome = await self._next_outcome()
        yield outcome

    async def _next_outcome(self) -> BloodPressureMeasured | MeasurementFailed:
        try:
            await self._port.open(timeout_s=self._connect_timeout_s)
            self._port.discard_frames()
            frame = await self._port.read_frame(timeout_s=self._result_timeout_s)
            # The framing already decoded the frame once (check_frame), so
            # parse cannot raise here.
            record = omron_protocol.parse(frame)
            event = omron_protocol.to_event(record, device=self.name)
        except DeviceNotFoundError as error:
            return self._failed(FailureReason.NOT_FOUND, error)
        except DeviceDisconnectedError as error:
            return self._failed(FailureReason.DISCONNECTED, error)
        except DeviceTimeoutError as error:
            return self._failed(FailureReason.TIMEOUT, error)
        except ImplausibleReadingError as error:
            return self._failed(FailureReason.IMPLAUSIBLE, error)
        provenance = event.provenance or Provenance()
        return dataclasses.replace(
            event,
            provenance=dataclasses.replace(
                provenance,
                device_model=self._device_model,
                # The line's ID field may hold a patient identifier typed on
                # the monitor (omron_protocol.OmronRecord), so its bytes are
                # kept only for the STX packet, which has no ID.
                raw_frame_hex=frame.hex() if record.record_id is None else None,
            ),
        )

    def _failed(self, reason: FailureReason, error: Exception) -> MeasurementFailed:
        _LOG.warning("%s: measurement failed (%s): %s", self.name, reason, error)
        return MeasurementFailed(reason, self.name)
