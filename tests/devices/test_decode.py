"""``vital5 devices decode`` on real captured frames (vectors carry provenance)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk_app.devices.decode import decode_capture
from tests.device_drivers.serial import vectors as serial_vectors
from tests.device_drivers.vectors import bps


def frames(profile: str, data: bytes) -> list[dict[str, object]]:
    result = decode_capture(profile, data.hex(" "))
    found = result["frames"]
    assert isinstance(found, list)
    return found


def test_a_real_ble_reading_decodes_to_its_numbers() -> None:
    # derdilla/blood-pressure-monitor-fl test capture: 124/86, pulse 51.
    (frame,) = frames("ble-bp-measurement", bps.REAL_DERDILLA_NORMAL)
    assert frame["outcome"] == "decoded"
    value = frame["value"]
    assert isinstance(value, dict)
    assert (value["systolic_mmhg"], value["diastolic_mmhg"], value["pulse_rate"]) == (124, 86, 51)


def test_a_ble_error_frame_is_a_failure_without_numbers() -> None:
    # derdilla issue #80: every field NaN after the arm moved.
    (frame,) = frames("ble-bp-measurement", bps.REAL_DERDILLA_ERR_MOVEMENT)
    assert frame["outcome"] == "device_failure"
    assert "systolic_mmhg" not in json.dumps(frame)


def test_a_serial_capture_with_line_noise_decodes_like_the_kiosk_reads_it() -> None:
    # Garbage before the frame, and the start of a next frame cut off after it.
    noisy = b"\x00\xffjunk" + serial_vectors.SUNTECH_BP_DATA_115_74 + b">\x18"
    result = decode_capture("suntech_advantage", noisy.hex())
    (frame,) = result["frames"]  # type: ignore[misc]
    assert frame["outcome"] == "decoded"
    assert frame["value"]["systolic"] == 115  # type: ignore[index]
    assert result["discarded_bytes"] == 6  # "\x00\xffjunk"
    assert result["incomplete_bytes"] == 2


def test_a_serial_failed_measurement_shows_its_reason_not_its_numbers() -> None:
    data = serial_vectors.SYNTHETIC_SUNTECH_BP_DATA_MOVEMENT
    (frame,) = frames("suntech_advantage", data)
    assert frame == {"outcome": "device_failure", "reason": "movement", "device_code": 2}


def test_unknown_profiles_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown profile"):
        decode_capture("usb-cuff", "00")


def test_the_cli_prints_json_and_refuses_bad_hex() -> None:
    vital5 = str(Path(sys.executable).parent / "vital5")
    frame = bps.REAL_DERDILLA_NORMAL.hex()
    done = subprocess.run(
        [vital5, "devices", "decode", "--profile", "ble-bp-measurement", frame],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["frames"][0]["value"]["systolic_mmhg"] == 124
    bad = subprocess.run(
        [vital5, "devices", "decode", "--profile", "ble-bp-measurement", "zz"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stderr.startswith("error:")
