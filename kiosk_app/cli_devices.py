"""``vital5 devices``: what a field engineer needs at a kiosk with a cuff."""

from __future__ import annotations

import asyncio
import json

import typer

from kiosk_app.devices.decode import DECODE_PROFILES, decode_capture

app = typer.Typer(
    help="Find, watch and decode blood pressure cuffs and scales.", no_args_is_help=True
)


@app.command()
def decode(
    hex_frame: str = typer.Argument(..., metavar="HEX", help="The bytes the device sent, in hex."),
    profile: str = typer.Option(..., help=f"One of: {', '.join(DECODE_PROFILES)}."),
) -> None:
    """Decode a captured frame and print every field as JSON."""
    try:
        decoded = decode_capture(profile, hex_frame)
    except ValueError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    typer.echo(json.dumps(decoded, indent=2, ensure_ascii=False))


@app.command()
def scan(timeout: float = typer.Option(8.0, help="Seconds to listen for Bluetooth cuffs.")) -> None:
    """List serial ports and Bluetooth blood pressure cuffs in range."""
    from serial.tools.list_ports import comports

    typer.echo("Serial ports:")
    for port in comports():
        typer.echo(f"  {port.device}  {port.description}")
    typer.echo("Bluetooth blood pressure cuffs (service 0x1810):")
    try:
        found = asyncio.run(_ble_cuffs(timeout))
    except Exception as error:  # any adapter problem is reported, not raised
        typer.echo(f"  Bluetooth is not available here: {error}")
        return
    for address, name in found:
        typer.echo(f"  {address}  {name}")
    if not found:
        typer.echo("  none found (is the cuff awake? press its Bluetooth or start button)")


async def _ble_cuffs(timeout: float) -> list[tuple[str, str]]:
    from bleak import BleakScanner

    from device_drivers.ble.session import is_bp_cuff

    seen = await BleakScanner.discover(timeout=timeout, return_adv=True)
    return sorted(
        (device.address, device.name or adv.local_name or "?")
        for device, adv in seen.values()
        if is_bp_cuff(device, adv)
    )


@app.command()
def watch(
    device: str = typer.Argument(
        "simulator", help="simulator, ble, ble:ADDRESS, ble-name:NAME or serial:PROFILE:PORT"
    ),
    readings: int = typer.Option(1, min=1, help="How many measurements to take."),
) -> None:
    """Take measurements and print each event as it arrives."""
    from kiosk_app.devices.config import DeviceSpecError
    from kiosk_app.devices.factory import bp_spec, make_bp_driver
    from kiosk_app.settings import Settings

    settings = Settings(bp_device=device)
    try:
        driver = make_bp_driver(settings, bp_spec(settings))
    except DeviceSpecError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error

    async def run() -> None:
        from kiosk_app.devices.service import ManagedCuff
        from kiosk_app.jsonable import to_json_object

        cuff = ManagedCuff(driver)
        for _ in range(readings):
            async for event in cuff.measure():
                typer.echo(json.dumps({"event": type(event).__name__, **to_json_object(event)}))

    asyncio.run(run())
