"""The device layer's exceptions.

Our exception hierarchy:

* DeviceError                 anything that went wrong talking to a device
  + FrameError(ValueError)    bytes that do not decode (bad length, checksum,
  |                           flags that promise fields the frame lacks)
  + ImplausibleReadingError   decoded cleanly but cannot be a real person's
  |                           reading (bp-devices.md §2.2); never stored
  + TransportError            the link itself failed
    - DeviceNotFoundError     nothing answered the scan or the port is absent
    - DeviceDisconnectedError the link dropped mid-measurement
    - DeviceTimeoutError      the device stopped answering

A measurement the *device itself* reports as failed (a cuff error code, an
SFLOAT NaN) is not an exception: parsers return a ``MeasurementFailed``
value (device_drivers/events.py) so the caller can tell the resident why.
"""

from __future__ import annotations


class DeviceError(Exception):
    """Base of every device-layer error."""


class FrameError(DeviceError, ValueError):
    """Bytes that cannot be decoded as the protocol's frame."""


class ImplausibleReadingError(DeviceError, ValueError):
    """A decoded reading outside physiological plausibility."""


class TransportError(DeviceError):
    """The connection to the device failed."""


class DeviceNotFoundError(TransportError):
    pass


class DeviceDisconnectedError(TransportError):
    pass


class DeviceTimeoutError(TransportError):
    pass
