"""``kuzet camera``: register, list and import cameras."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import Progress
from rich.table import Table

from kuzet.cli.common import cli_actor, console, wired
from kuzet.domain.cameras.messages import ImportSite, RegisterCamera
from kuzet.domain.cameras.model import CameraKind, CameraPurpose
from kuzet.domain.users.model import TenantScope
from kuzet.errors import ConfigError

app = typer.Typer(help="Cameras.", no_args_is_help=True)


@app.command("add")
def add(
    camera_id: str = typer.Argument(..., help="Unique id, e.g. street-0042"),
    name: str = typer.Option(..., help="Display name, usually the address"),
    kind: CameraKind = typer.Option(..., help="Camera kind"),
    purpose: CameraPurpose = typer.Option(..., help="Why the camera exists"),
    district: str = typer.Option(..., help="District id"),
    lat: float | None = typer.Option(None, help="Latitude (fixed cameras)"),
    lon: float | None = typer.Option(None, help="Longitude (fixed cameras)"),
    heading: float | None = typer.Option(None, help="Viewing direction, degrees from north"),
    tenant: str | None = typer.Option(None, help="Owner tenant id (shop, school, ...)"),
    stream_url: str | None = typer.Option(None, help="rtsp://, http(s):// or a file path"),
) -> None:
    """Register one camera."""
    from kuzet.config.site import CameraConfig

    try:
        camera = CameraConfig(
            id=camera_id,
            name=name,
            kind=kind,
            purpose=purpose,
            district=district,
            lat=lat,
            lon=lon,
            heading=heading,
            owner_tenant=tenant,
            stream_url=stream_url,
        ).to_domain()
    except ValueError as exc:
        raise ConfigError(f"camera {camera_id}: {exc}") from None
    with wired() as kuzet:
        kuzet.messagebus.handle(RegisterCamera(camera=camera), cli_actor())
    console.print(f"[green]registered[/] {camera.id} ({camera.kind.value}, {camera.district_id})")


@app.command("list")
def list_cameras(
    district: str | None = typer.Option(None, help="Only this district"),
    kind: CameraKind | None = typer.Option(None, help="Only this kind"),
    limit: int = typer.Option(50, help="Show at most this many rows (0: all)"),
) -> None:
    """List cameras."""
    with wired() as kuzet, kuzet.uow() as uow:
        cameras = uow.cameras.list(TenantScope(None), district, kind.value if kind else None)
    table = Table("id", "kind", "purpose", "district", "tenant", "position", title=f"{len(cameras)} cameras")
    for c in cameras[: limit or None]:
        where = f"{c.position.lat:.5f}, {c.position.lon:.5f}" if c.position else "mobile"
        table.add_row(c.id, c.kind.value, c.purpose.value, c.district_id, c.owner_tenant_id or "—", where)
    console.print(table)
    if limit and len(cameras) > limit:
        console.print(f"[dim]… {len(cameras) - limit} more (use --limit 0 for all)[/]")


@app.command("import")
def import_cameras(
    path: Path = typer.Argument(..., help="A site file (.yaml) or a CSV of cameras"),
    replace: bool = typer.Option(False, "--replace", help="Update cameras that already exist"),
) -> None:
    """Import cameras in one transaction: every row valid, or nothing stored."""
    from kuzet.cli.camera_files import read_cameras_csv
    from kuzet.config.site import load_site

    with wired() as kuzet:
        with kuzet.uow() as uow:
            known = {d.id for d in uow.districts.list()}
        with Progress(console=console, transient=True) as progress:
            progress.add_task(f"reading {path.name}", total=None)
            if path.suffix.lower() in {".yaml", ".yml"}:
                site = load_site(path, known)
                command = ImportSite(
                    districts=tuple(d.to_domain() for d in site.districts),
                    tenants=tuple(t.to_domain() for t in site.tenants),
                    cameras=tuple(c.to_domain() for c in site.cameras),
                    replace_cameras=replace,
                )
            else:
                command = ImportSite(cameras=read_cameras_csv(path), replace_cameras=replace)
        summary = kuzet.messagebus.handle(command, cli_actor())
    console.print(f"[green]imported[/] {path}: {summary}")
