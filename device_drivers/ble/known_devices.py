"""Bluetooth blood-pressure cuffs we know by advertised name, as data.

Most cuffs advertise the Blood Pressure service 0x1810
(``BLOOD_PRESSURE_SERVICE``) and are found by it. Some do not put it in
every advertisement (an A&D UA-651BLE that is already bonded "only reveals
its name", bp-devices.md §3.2), so the scan also accepts these names.
Each entry says what the session must do for the model, and names it in a
reading's provenance (``description``). Adding a model: one ``CuffModel``
with its source.
"""

from __future__ import annotations

from dataclasses import dataclass

# The Blood Pressure service 0x1810 in the 128-bit form bleak reports. Kept
# here, with the names, so the pure scan filter needs no bleak import;
# gatt_client.py re-exports it with the other Bluetooth SIG UUIDs.
BLOOD_PRESSURE_SERVICE = "00001810-0000-1000-8000-00805f9b34fb"

# A&D's vendor service and "send all data" command (bp-devices.md §3.2,
# obniz UA651BLE: written before the Date Time and the 0x2A35 subscription).
AND_CONFIG_CHARACTERISTIC = "233bf001-5a34-1b6d-975c-000d5690abe4"
AND_SEND_ALL_COMMAND = bytes.fromhex("0200E1")


@dataclass(frozen=True, slots=True)
class CuffModel:
    name_prefix: str  # matched case-insensitively at the start of the advertised name
    vendor: str
    model: str
    requires_bonding: bool  # the cuff sends readings only to a bonded host
    # A vendor write the cuff needs before it sends readings: (characteristic, bytes).
    setup_write: tuple[str, bytes] | None
    source: str

    @property
    def description(self) -> str:
        """Vendor and model, as stored in a reading's provenance."""
        return f"{self.vendor} {self.model}"


KNOWN_CUFFS: tuple[CuffModel, ...] = (
    CuffModel(
        name_prefix="A&D_UA-651BLE",
        vendor="A&D Medical",
        model="UA-651BLE",
        requires_bonding=True,
        setup_write=(AND_CONFIG_CHARACTERISTIC, AND_SEND_ALL_COMMAND),
        source="bp-devices.md §3.2 (obniz UA651BLE README and code)",
    ),
    CuffModel(
        name_prefix="BLESmart_",
        vendor="Omron",
        model="BLE Smart series (X4 Smart, X2 Smart+, BP5150)",
        requires_bonding=True,
        setup_write=None,
        # The name prefix is what Omron's BLE Smart cuffs advertise in the
        # projects of §3.1; bonding per derdilla PR #659. [single source]
        source="bp-devices.md §3.1",
    ),
    *(
        CuffModel(
            name_prefix=model,
            vendor="Beurer",
            model=model,
            requires_bonding=False,
            setup_write=None,
            source="bp-devices.md §2.3 (derdilla PR #735: Beurer's app lists these by name)",
        )
        for model in ("BM48", "BM59", "BM85", "ELITE900")
    ),
)


def model_for_name(name: str | None) -> CuffModel | None:
    """The known model whose name prefix ``name`` starts with, if any."""
    if not name:
        return None
    folded = name.casefold()
    for model in KNOWN_CUFFS:
        if folded.startswith(model.name_prefix.casefold()):
            return model
    return None
