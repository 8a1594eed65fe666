"""Build the driver a site's setting names (see kiosk_app/devices/config.py)."""

from __future__ import annotations

from device_drivers.ble.session import BleBloodPressureCuff, BleCuffConfig
from device_drivers.serial.omron_monitor import OmronMonitor
from device_drivers.serial.profiles import PROFILES
from device_drivers.serial.suntech_cuff import SunTechCuff
from device_drivers.serial.tanita_scale import TanitaScale
from device_drivers.serial.transport import SerialPort
from device_drivers.simulated_scale import SimulatedScale
from device_drivers.simulator import SimulatedCuff
from kiosk_app.devices.config import DeviceKind, DeviceSpec, DeviceSpecError, parse_device_spec
from kiosk_app.devices.service import BloodPressureDriver, ScaleDriver
from kiosk_app.settings import Settings

SERIAL_BP_PROFILES = frozenset(name for name in PROFILES if not name.startswith("tanita"))


def bp_spec(settings: Settings) -> DeviceSpec:
    return parse_device_spec(settings.bp_device, profiles=SERIAL_BP_PROFILES)


def starts_on_the_device(spec: DeviceSpec) -> bool:
    """Whether the resident presses START on the cuff itself.

    Bluetooth home cuffs and the Omron professional monitors cannot be
    started by the kiosk; the SunTech module and the simulator can.
    """
    if spec.kind is DeviceKind.BLE:
        return True
    return spec.kind is DeviceKind.SERIAL and (spec.profile or "").startswith("omron")


def make_bp_driver(settings: Settings, spec: DeviceSpec | None = None) -> BloodPressureDriver:
    spec = spec or bp_spec(settings)
    if spec.kind is DeviceKind.SIMULATOR:
        return SimulatedCuff(settings.simulator_script, speed=settings.simulator_speed)
    if spec.kind is DeviceKind.BLE:
        return BleBloodPressureCuff(
            BleCuffConfig(address=spec.address, name=spec.name), name="ble-cuff"
        )
    if spec.kind is DeviceKind.SERIAL and spec.profile and spec.port:
        port = SerialPort(spec.port, PROFILES[spec.profile])
        if spec.profile.startswith("omron"):
            return OmronMonitor(port)
        return SunTechCuff(port)
    raise DeviceSpecError(f"{settings.bp_device!r}: a blood pressure device is required")


SCALE_PROFILES = frozenset(name for name in PROFILES if name.startswith("tanita"))


def make_scale_driver(settings: Settings) -> ScaleDriver | None:
    """The configured scale, or None where the site has none."""
    spec = parse_device_spec(settings.scale_device, profiles=SCALE_PROFILES)
    if spec.kind is DeviceKind.NONE:
        return None
    if spec.kind is DeviceKind.SIMULATOR:
        return SimulatedScale(speed=settings.simulator_speed)
    if spec.kind is DeviceKind.SERIAL and spec.profile and spec.port:
        return TanitaScale(SerialPort(spec.port, PROFILES[spec.profile]))
    raise DeviceSpecError(f"{settings.scale_device!r}: scales are simulator, serial:… or none")
