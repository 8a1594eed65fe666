"""Each device setting builds the right driver, without touching hardware."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from device_drivers.ble.session import BleBloodPressureCuff
from device_drivers.serial.omron_monitor import OmronMonitor
from device_drivers.serial.suntech_cuff import SunTechCuff
from device_drivers.simulator import SimulatedCuff
from kiosk_app.devices.config import DeviceSpecError
from kiosk_app.devices.factory import bp_spec, make_bp_driver, starts_on_the_device
from kiosk_app.main import create_app
from tests.conftest import make_settings
from tests.web.flow import ORDINARY, answer_until, start


@pytest.mark.parametrize(
    ("setting", "driver", "press_start"),
    [
        ("simulator", SimulatedCuff, False),
        ("ble", BleBloodPressureCuff, True),
        ("ble:00:09:1F:80:A1:B2", BleBloodPressureCuff, True),
        ("ble-name:BLESmart_0000048012AB", BleBloodPressureCuff, True),
        ("serial:suntech_advantage:/dev/ttyUSB7", SunTechCuff, False),
        ("serial:omron_hbp9020:/dev/ttyUSB7", OmronMonitor, True),
    ],
)
def test_settings_build_their_driver(
    tmp_path: Path, setting: str, driver: type, press_start: bool
) -> None:
    settings = make_settings(tmp_path, bp_device=setting)
    spec = bp_spec(settings)
    assert isinstance(make_bp_driver(settings, spec), driver)
    assert starts_on_the_device(spec) is press_start


def test_a_cuff_pinned_by_name_keeps_the_name_for_its_scan(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, bp_device="ble-name:BLESmart_0000048012AB")
    driver = make_bp_driver(settings)
    assert isinstance(driver, BleBloodPressureCuff)
    assert driver.config.name == "BLESmart_0000048012AB"
    assert driver.config.address is None


def test_a_scale_profile_is_not_a_blood_pressure_device(tmp_path: Path) -> None:
    with pytest.raises(DeviceSpecError, match="unknown serial profile 'tanita_sc'"):
        bp_spec(make_settings(tmp_path, bp_device="serial:tanita_sc:/dev/ttyUSB0"))


async def test_a_bluetooth_cuff_asks_the_resident_to_press_start(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, bp_device="ble"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kiosk.test") as client:
        url = await answer_until(client, await start(client), ORDINARY, stop_at="/blood-pressure")
        page = await client.get(url)
    assert "press the START button on the blood pressure monitor" in page.text
    assert 'src="/static/app/cuff-start.svg"' in page.text
