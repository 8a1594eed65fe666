"""A private D-Bus "system" bus in a temp dir, started and stopped by PID.

Nothing here touches the machine's own bus: the daemon listens on a socket in
a directory we create, with a config that lets any local user own any name
(BlueZoo needs ``org.bluez``). Every process started here is stopped by the
PID we got back from Popen: SIGTERM, then SIGKILL after a grace period.
"""

from __future__ import annotations

import contextlib
import ctypes
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# One <listen> element is mandatory even though --address overrides it.
# No double hyphen may appear inside an XML comment: dbus-daemon rejects it.
_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
"""

STOP_GRACE_S = 3.0
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def die_with_parent() -> None:
    """``preexec_fn``: the kernel SIGTERMs the child if the test process dies.

    Teardown stops everything by PID on every normal path; this covers a
    test run that is itself killed (a CI timeout, SIGKILL).
    """
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def dbus_daemon_path() -> str | None:
    """Where ``dbus-daemon`` is, or None when Debian's dbus is not installed."""
    return shutil.which("dbus-daemon")


@dataclass
class PrivateBus:
    directory: Path
    address: str
    process: subprocess.Popen[bytes]

    @property
    def log_path(self) -> Path:
        return self.directory / "dbus-daemon.log"


def stop_process(process: subprocess.Popen[bytes], grace_s: float = STOP_GRACE_S) -> None:
    """SIGTERM the process we started, SIGKILL it if it lingers, and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=grace_s)
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def start_bus(timeout_s: float = 5.0) -> PrivateBus:
    """Start dbus-daemon on a fresh socket; returns once the socket exists."""
    daemon = dbus_daemon_path()
    if daemon is None:
        raise FileNotFoundError("dbus-daemon is not installed")
    directory = Path(tempfile.mkdtemp(prefix="vital5-ble-"))
    socket_path = directory / "bus"
    config = directory / "bus.conf"
    config.write_text(_CONFIG.format(socket=socket_path), encoding="utf-8")
    address = f"unix:path={socket_path}"
    with (directory / "dbus-daemon.log").open("wb") as log:
        process = subprocess.Popen(
            [
                daemon,
                f"--config-file={config}",
                f"--address={address}",
                "--nofork",
                "--nopidfile",
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
        )
    bus = PrivateBus(directory, address, process)
    deadline = time.monotonic() + timeout_s
    while not socket_path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            log_text = bus.log_path.read_text(errors="replace")
            stop_bus(bus)
            raise RuntimeError(f"dbus-daemon did not start: {log_text}")
        time.sleep(0.01)
    return bus


def stop_bus(bus: PrivateBus) -> None:
    """Stop the daemon and remove its temp dir."""
    try:
        stop_process(bus.process)
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(bus.directory)
