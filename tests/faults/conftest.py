"""Fault runs: real upstream, kiosk, proxy and driver processes on 127.0.0.1 (docs/faults.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.procs import Reaper, reaper


@pytest.fixture
def procs() -> Iterator[Reaper]:
    """Every process the test starts; none may outlive it (checked with psutil)."""
    with reaper() as reaping:
        yield reaping
