"""What every serial device driver shares: one port, one user at a time."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from device_drivers.serial.transport import SerialPort


class PortDevice:
    """Owns a ``SerialPort``; ``async with`` closes it.

    ``name`` is a plain attribute (the profile name), as kiosk_app's driver
    protocols ask. The lock keeps measurements one at a time, like one cuff
    on one arm or one person on one scale.
    """

    def __init__(self, port: SerialPort) -> None:
        self.name = port.profile.name
        self._port = port
        self._lock = asyncio.Lock()

    @property
    def port(self) -> SerialPort:
        return self._port

    async def close(self) -> None:
        await self._port.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
