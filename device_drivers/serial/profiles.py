"""Per-device serial settings, as data with their sources.

A profile says how to open the port, how to cut what arrives into frames, and
which protocol module decodes the frames. The port settings use pyserial's
names and values, so a transport can do
``serial.Serial(port, **profile.pyserial_settings())`` without this module
importing pyserial. Some monitors let staff change their port settings; a
site that did so overrides a profile with ``dataclasses.replace``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Literal

from device_drivers.serial import omron_protocol, suntech_protocol, tanita_protocol
from device_drivers.serial.framing import FrameSpec


class Parity(StrEnum):
    """pyserial's PARITY_* values."""

    NONE = "N"
    EVEN = "E"
    ODD = "O"


class ProtocolModule(StrEnum):
    """Which module's ``parse`` decodes the frames."""

    SUNTECH = suntech_protocol.__name__
    OMRON = omron_protocol.__name__
    TANITA = tanita_protocol.__name__


@dataclass(frozen=True, slots=True)
class SerialProfile:
    name: str
    baudrate: int
    bytesize: Literal[7, 8]
    parity: Parity
    stopbits: Literal[1, 2]
    framing: FrameSpec
    protocol: ProtocolModule
    source: str

    def pyserial_settings(self) -> dict[str, object]:
        # No device here uses flow control (SunTech says so, §4.1; the other
        # sources set none).
        return {
            "baudrate": self.baudrate,
            "bytesize": self.bytesize,
            "parity": self.parity.value,
            "stopbits": self.stopbits,
            "xonxoff": False,
            "rtscts": False,
        }


SUNTECH_ADVANTAGE: Final = SerialProfile(
    name=suntech_protocol.DEVICE_NAME,
    baudrate=9600,
    bytesize=8,
    parity=Parity.NONE,
    stopbits=1,
    framing=suntech_protocol.FRAMING,
    protocol=ProtocolModule.SUNTECH,
    source="bp-devices.md §4.1 [verified]: 9600 8N1, no flow control "
    "(Appciton SuntechProvider UartAttrDesc(9600, 8, 'N', 1); DesktopFX BR_9600)",
)

OMRON_HBP9020: Final = SerialProfile(
    name=omron_protocol.DEVICE_NAME,
    baudrate=2400,
    bytesize=8,
    parity=Parity.NONE,
    stopbits=1,
    framing=omron_protocol.LINE_FRAMING,
    protocol=ProtocolModule.OMRON,
    source="bp-devices.md §4.2: 2400 baud in both sources; EnvisionIE MDI defaults "
    "to 8N1, XiMPLib HBP9020.cs sets 8E2 (its comment says 1 stop bit). Parity is a "
    "monitor setting: match the monitor",
)

OMRON_STX: Final = SerialProfile(
    name="omron_stx",
    baudrate=2400,
    bytesize=8,
    parity=Parity.EVEN,
    # XiMPLib's code sets 2 stop bits, its comment 1. A receiver set to 1
    # also reads a sender using 2 (the second is idle line), not vice versa.
    stopbits=1,
    framing=omron_protocol.STX_FRAMING,
    protocol=ProtocolModule.OMRON,
    source="bp-devices.md §4.2 [single source]: XiMPLib HBP9020.cs, 2400 8E",
)

TANITA_BC418: Final = SerialProfile(
    name="tanita_bc418",
    baudrate=4800,
    bytesize=8,
    parity=Parity.NONE,
    stopbits=1,
    framing=tanita_protocol.BC418_FRAMING,
    protocol=ProtocolModule.TANITA,
    source="bp-devices.md §4.10 [verified]: 4800 8N1 in obiba/onyx and XiMPLib BC418.cs",
)

TANITA_SC: Final = SerialProfile(
    name="tanita_sc",
    baudrate=9600,
    bytesize=8,
    parity=Parity.NONE,
    stopbits=1,
    framing=tanita_protocol.SC_FRAMING,
    protocol=ProtocolModule.TANITA,
    source="[unverified] the SC-240 / WB-3000 port settings were not retrieved; 9600 8N1 "
    "is what the BD-815U and HD-351BT manuals give for the same {0,16,... output. "
    "Check the scale's manual before relying on it",
)

PROFILES: Final[Mapping[str, SerialProfile]] = MappingProxyType(
    {
        profile.name: profile
        for profile in (SUNTECH_ADVANTAGE, OMRON_HBP9020, OMRON_STX, TANITA_BC418, TANITA_SC)
    }
)
