"""Serial devices without the port: framing, protocols and port profiles.

Everything here is pure (bytes in, frozen dataclasses out); a transport owns
the port and wires the pieces together::

    profile = PROFILES["suntech_advantage"]
    packetizer = Packetizer(profile.framing)
    port.write(suntech_protocol.build_command(suntech_protocol.Command.START_BP))
    for frame in packetizer.feed(port.read(...)):
        event = suntech_protocol.to_event(suntech_protocol.parse(frame))

Byte layouts: docs/wire-format-serial.md.
"""

from __future__ import annotations

from device_drivers.serial import omron_protocol, suntech_protocol, tanita_protocol
from device_drivers.serial.framing import Delimited, FrameSpec, LengthPrefixed, Packetizer
from device_drivers.serial.profiles import PROFILES, Parity, ProtocolModule, SerialProfile

__all__ = [
    "PROFILES",
    "Delimited",
    "FrameSpec",
    "LengthPrefixed",
    "Packetizer",
    "Parity",
    "ProtocolModule",
    "SerialProfile",
    "omron_protocol",
    "suntech_protocol",
    "tanita_protocol",
]
