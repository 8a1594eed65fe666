"""SunTech Advantage OEM NIBP module on a serial port: one measurement at a time.

The conversation (bp-devices.md §4.1 "Typical flow"; suntech_protocol.py has
the bytes)::

    host                                module
    GET_MODULE_DATA ------------------> Ack K      } once per connection, for
    GET_RETURN_STRING ----------------> "LX..."    } Provenance.firmware
    START_BP -------------------------> Ack O      (Ack B = busy: ask again)
    GET_CUFF_PRESSURE every 200 ms ---> pressure   -> CuffPressure events
    ...                            <--- Ack K      the cycle is over
    GET_BP_DATA ----------------------> BP data    -> reading or failure

How we know the measurement has finished. §4.1 lists the 4-byte ACK frames:
``'O'`` received, ``'K'`` executed "(BP cycle finished)", and gives the flow
"Start -> O -> poll cuff pressure every 200 ms -> K -> Get BP data". We read
that as: after START_BP is answered with ``O``, the module sends ``K`` by
itself, unasked, when the cycle is over (inflated, measured, deflated);
it is not a reply to a poll. Appciton's SuntechProvider agrees: it polls on
a plain 200 ms timer and treats a ``K`` that follows the start's ``O`` as
"measure done". So this driver accepts the ``K`` whenever it arrives
between polls, and only after the ``O``. Whether the reading succeeded is
not in the ``K``: it is the error code in the BP data (0 = reading).

Not known, so handled conservatively:

* an ``A`` we did not ask for (A is the reply to ABORT): the cycle stopped;
  reported as DEVICE_ERROR without asking for BP data;
* other refusals of START_BP (E, N, D, S, T): DEVICE_ERROR;
* how long the module's own cycle may last: we give up after
  ``cycle_timeout_s`` (and send ABORT), well beyond a normal 30-45 s cycle.

Safety: while a cycle may be running (START_BP sent, no ``K`` yet), every way
out of ``measure()`` other than the module's own ``K`` sends ABORT so the
cuff deflates: the consumer closing the generator (``aclose``), the task
being cancelled, the module falling silent, a failure. The ABORT is written
without awaiting anything, so a cancelled task still sends it. If the port
itself is gone (unplugged) nothing can be sent; the module's own safety
timeout (error code 88) is then what deflates the cuff.

Every measurement ends in exactly one ``BloodPressureMeasured`` or
``MeasurementFailed``; transport problems are reported as failures
(NOT_FOUND, DISCONNECTED, TIMEOUT), never raised.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Final, TypeVar

from device_drivers.errors import (
    DeviceDisconnectedError,
    DeviceNotFoundError,
    DeviceTimeoutError,
    ImplausibleReadingError,
)
from device_drivers.events import (
    BloodPressureMeasured,
    CuffPressure,
    DeviceEvent,
    FailureReason,
    MeasurementFailed,
    Provenance,
)
from device_drivers.serial.port_device import PortDevice
from device_drivers.serial.suntech_protocol import (
    CUFF_PRESSURE_UNAVAILABLE,
    Ack,
    AckCode,
    BPData,
    Command,
    Model,
    Reply,
    ReturnString,
    build_command,
    parse,
    to_event,
)
from device_drivers.serial.transport import SerialPort

_LOG = logging.getLogger(__name__)

_R = TypeVar("_R", Ack, BPData, ReturnString)
_BP_DATA_ATTEMPTS: Final = 3

MODEL_NAMES: Final = {
    Model.ADVANTAGE: "SunTech Advantage",
    Model.ADVANTAGE_A_PLUS: "SunTech Advantage A+",
}


@dataclass(frozen=True, slots=True)
class SunTechTimings:
    """How long to wait for what. Tests pass short values."""

    connect_timeout_s: float = 3.0
    # §4.1: "poll cuff pressure every 200 ms" (Appciton's timer is 200 ms).
    poll_interval_s: float = 0.2
    # How long to wait for a reply, and, while polling, how long without a
    # single byte counts as "stopped answering": five missed polls, so one
    # reply lost to line noise is not a timeout.
    reply_timeout_s: float = 1.0
    busy_retry_s: float = 0.5
    busy_retries: int = 5
    # Judgement, no source: a cycle is normally 30-45 s; 180 s is far past
    # that, and the module's own safety timeout should end it first.
    cycle_timeout_s: float = 180.0


@dataclass(frozen=True, slots=True)
class _Identity:
    device_model: str | None
    firmware: str | None


class _CycleFailedError(Exception):
    """The module ended or refused the cycle; carries the resident's reason."""

    def __init__(self, reason: FailureReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


class SunTechCuff(PortDevice):
    """A SunTech Advantage module behind a ``SerialPort``.

    ``measure()`` has the simulator's shape (device_drivers/simulator.py):
    an async generator of ``DeviceEvent``. Call ``close()`` (or use
    ``async with``) when the kiosk shuts down; between measurements the port
    stays open.
    """

    def __init__(self, port: SerialPort, *, timings: SunTechTimings | None = None) -> None:
        super().__init__(port)
        self._timings = timings or SunTechTimings()
        self._identity: _Identity | None = None
        self._identified_connection = -1

    async def measure(self) -> AsyncGenerator[DeviceEvent, None]:
        """Live ``CuffPressure`` events, then one reading or one failure."""
        # One measurement at a time, like one cuff on one arm.
        async with self._lock:
            # True from the moment START_BP may have reached the module until
            # its K: the cuff may be inflated, so leaving means ABORT.
            inflating = False
            outcome: BloodPressureMeasured | MeasurementFailed
            try:
                await self._port.open(timeout_s=self._timings.connect_timeout_s)
                self._port.discard_frames()
                identity = await self._identify()
                inflating = True
                await self._start()
                # aclosing: if our consumer stops here, the poll loop is
                # closed now rather than whenever it is collected.
                async with contextlib.aclosing(self._pressures_until_done()) as pressures:
                    async for pressure in pressures:
                        yield pressure
                inflating = False
                outcome = await self._result(identity)
            except DeviceNotFoundError as error:
                outcome = self._failed(FailureReason.NOT_FOUND, error)
            except DeviceDisconnectedError as error:
                outcome = self._failed(FailureReason.DISCONNECTED, error)
            except DeviceTimeoutError as error:
                outcome = self._failed(FailureReason.TIMEOUT, error)
            except _CycleFailedError as error:
                outcome = self._failed(error.reason, error)
            finally:
                # Also reached on aclose() (GeneratorExit) and cancellation.
                if inflating:
                    self._abort()
            yield outcome

    def _failed(self, reason: FailureReason, error: Exception) -> MeasurementFailed:
        _LOG.warning("%s: measurement failed (%s): %s", self.name, reason, error)
        return MeasurementFailed(reason, self.name)

    def _send(self, command: Command) -> None:
        self._port.write(build_command(command))

    def _abort(self) -> None:
        try:
            self._send(Command.ABORT)
        except DeviceDisconnectedError:
            _LOG.warning("%s: cannot send ABORT, the port is gone", self.name)
        else:
            _LOG.info("%s: ABORT sent", self.name)

    async def _reply(self, timeout_s: float) -> tuple[Reply, bytes]:
        # The packetizer hands on only frames that pass check_frame, so
        # parse cannot raise FrameError here.
        frame = await self._port.read_frame(timeout_s=timeout_s)
        return parse(frame), frame

    async def _ask(self, command: Command, wanted: type[_R]) -> tuple[_R, bytes]:
        """Send ``command``; the first reply of type ``wanted`` and its bytes.

        Anything else that arrives meanwhile (a late pressure, a stray ack)
        is skipped. Raises DeviceTimeoutError if nothing suitable comes back
        within ``reply_timeout_s``.
        """
        self._send(command)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timings.reply_timeout_s
        while True:
            reply, frame = await self._reply(max(deadline - loop.time(), 0.0))
            if isinstance(reply, wanted):
                return reply, frame

    async def _identify(self) -> _Identity:
        """Model and firmware, asked once per connection.

        A module that stays silent here will not measure either, so a
        timeout on GET_MODULE_DATA fails the measurement (no START_BP has
        been sent, so nothing to abort). A module that answers but has no
        version text is measured anyway, with the firmware unknown.
        """
        if self._identity is not None and self._identified_connection == self._port.connections:
            return self._identity
        identity = _Identity(None, None)
        # GET_MODULE_DATA is answered with Ack K; the text then comes from
        # GET_RETURN_STRING (Appciton sendVersion / getReturnString).
        ack, _ = await self._ask(Command.GET_MODULE_DATA, Ack)
        if ack.code is AckCode.EXECUTED:
            try:
                version, _ = await self._ask(Command.GET_RETURN_STRING, ReturnString)
            except DeviceTimeoutError:
                _LOG.info("%s: no version text; firmware unknown", self.name)
            else:
                model = version.model
                identity = _Identity(
                    device_model=None if model is None else MODEL_NAMES[model],
                    # Appciton shows the texts at payload offsets 0 and 8 as "%1-%2".
                    firmware="-".join(version.texts[:2]) or None,
                )
        self._identity = identity
        self._identified_connection = self._port.connections
        return identity

    async def _start(self) -> None:
        timings = self._timings
        loop = asyncio.get_running_loop()
        for attempt in range(timings.busy_retries + 1):
            self._send(Command.START_BP)
            deadline = loop.time() + timings.reply_timeout_s
            while True:
                reply, _ = await self._reply(max(deadline - loop.time(), 0.0))
                if not isinstance(reply, Ack) or reply.code in (AckCode.EXECUTED, AckCode.ABORTED):
                    continue  # stale: a pressure, or the end of an earlier cycle
                break
            if reply.code is AckCode.RECEIVED:
                return
            if reply.code is not AckCode.BUSY:
                raise _CycleFailedError(
                    FailureReason.DEVICE_ERROR, f"START_BP refused with {reply.code.name}"
                )
            _LOG.info("%s: module busy (attempt %d)", self.name, attempt + 1)
            await asyncio.sleep(timings.busy_retry_s)
        raise _CycleFailedError(FailureReason.DEVICE_ERROR, "module stayed busy")

    async def _pressures_until_done(self) -> AsyncGenerator[CuffPressure, None]:
        """Poll the cuff pressure every ``poll_interval_s`` until Ack K."""
        timings = self._timings
        loop = asyncio.get_running_loop()
        cycle_deadline = loop.time() + timings.cycle_timeout_s
        heard_at = loop.time()
        # Liveness counts bytes, not frames: a stray '>' whose length byte
        # claims up to 67 bytes holds the real replies back until that many
        # have followed it (framing.py), about 13 polls of 5-byte replies.
        # The module is talking all the while and must not be aborted.
        bytes_seen = self._port.bytes_received
        while True:
            self._send(Command.GET_CUFF_PRESSURE)
            next_poll = loop.time() + timings.poll_interval_s
            # Take whatever arrives until the next poll is due.
            while (wait := next_poll - loop.time()) > 0:
                try:
                    reply, _ = await self._reply(wait)
                except DeviceTimeoutError:
                    break
                heard_at = loop.time()
                if isinstance(reply, CuffPressure):
                    # 0xFFFF: no pressure to show right now (suntech_protocol).
                    if reply.mmhg != CUFF_PRESSURE_UNAVAILABLE:
                        yield reply
                elif isinstance(reply, Ack) and reply.code is AckCode.EXECUTED:
                    return
                elif isinstance(reply, Ack) and reply.code is AckCode.ABORTED:
                    raise _CycleFailedError(FailureReason.DEVICE_ERROR, "module aborted the cycle")
            if self._port.bytes_received != bytes_seen:
                bytes_seen = self._port.bytes_received
                heard_at = loop.time()
            now = loop.time()
            if now - heard_at > timings.reply_timeout_s:
                raise DeviceTimeoutError(f"no reply for {now - heard_at:.2f} s mid-measurement")
            if now > cycle_deadline:
                raise DeviceTimeoutError(f"cycle not over after {timings.cycle_timeout_s} s")

    async def _result(self, identity: _Identity) -> BloodPressureMeasured | MeasurementFailed:
        # Asked up to three times: a reply lost to line noise must not lose a
        # reading the resident sat through, and a stray '>' claiming 67
        # bytes (framing.py) is only ruled out once 67 bytes have followed
        # it: three 24-byte replies.
        for attempt in range(1, _BP_DATA_ATTEMPTS + 1):
            try:
                reply, frame = await self._ask(Command.GET_BP_DATA, BPData)
                break
            except DeviceTimeoutError:
                if attempt == _BP_DATA_ATTEMPTS:
                    raise
                _LOG.info("%s: no BP data yet; asking again", self.name)
        try:
            event = to_event(reply, device=self.name)
        except ImplausibleReadingError as error:
            return self._failed(FailureReason.IMPLAUSIBLE, error)
        if isinstance(event, MeasurementFailed):
            _LOG.warning("%s: module error code %d", self.name, reply.error_code)
            return event
        assert isinstance(event, BloodPressureMeasured)
        return dataclasses.replace(
            event,
            provenance=Provenance(
                device_model=identity.device_model,
                firmware=identity.firmware,
                raw_frame_hex=frame.hex(),
            ),
        )
