"""Camera registration use cases."""

from __future__ import annotations

from dataclasses import fields

from kuzet.domain.cameras.messages import (
    CameraRegistered,
    CameraRemoved,
    CameraUpdated,
    ImportCameras,
    RegisterCamera,
    RemoveCamera,
)
from kuzet.domain.cameras.model import Camera
from kuzet.domain.users.model import TenantScope
from kuzet.errors import ConflictError, NotFoundError
from kuzet.services.messagebus import Handled
from kuzet.services.ports import UnitOfWork

_EVERYTHING = TenantScope(tenant_id=None)


def _check_references(camera: Camera, uow: UnitOfWork) -> None:
    if uow.districts.get(camera.district_id) is None:
        raise NotFoundError(f"camera {camera.id}: unknown district {camera.district_id!r}")
    if camera.owner_tenant_id is not None and uow.tenants.get(camera.owner_tenant_id) is None:
        raise NotFoundError(f"camera {camera.id}: unknown tenant {camera.owner_tenant_id!r}")


def _registered(camera: Camera) -> CameraRegistered:
    return CameraRegistered(
        camera_id=camera.id,
        kind=camera.kind.value,
        district_id=camera.district_id,
        owner_tenant_id=camera.owner_tenant_id,
    )


def register_camera(command: RegisterCamera, uow: UnitOfWork) -> Handled:
    camera = command.camera
    _check_references(camera, uow)
    uow.cameras.add(camera)
    uow.emit(_registered(camera))
    return Handled(target=f"camera:{camera.id}", value=camera)


def upsert_cameras(cameras: tuple[Camera, ...], replace_existing: bool, uow: UnitOfWork) -> tuple[int, int]:
    """Add new cameras and (if asked) update changed ones; return (added, updated)."""
    seen: set[str] = set()
    added = updated = 0
    for camera in cameras:
        if camera.id in seen:
            raise ConflictError(f"camera {camera.id!r} appears twice in the import")
        seen.add(camera.id)
        _check_references(camera, uow)
        existing = uow.cameras.get(camera.id, _EVERYTHING)
        if existing is None:
            uow.cameras.add(camera)
            uow.emit(_registered(camera))
            added += 1
        elif not replace_existing:
            raise ConflictError(f"camera {camera.id!r} already exists (use --replace to update it)")
        elif existing != camera:
            uow.cameras.update(camera)
            changed = tuple(
                f.name for f in fields(Camera) if getattr(existing, f.name) != getattr(camera, f.name)
            )
            uow.emit(CameraUpdated(camera_id=camera.id, changed_fields=changed))
            updated += 1
    return added, updated


def import_cameras(command: ImportCameras, uow: UnitOfWork) -> Handled:
    """All cameras or none: the first bad one aborts the whole import with its id in the message."""
    added, updated = upsert_cameras(command.cameras, command.replace_existing, uow)
    return Handled(target=f"cameras:{added} added,{updated} updated", value=(added, updated))


def remove_camera(command: RemoveCamera, uow: UnitOfWork) -> Handled:
    if not uow.cameras.remove(command.camera_id):
        raise NotFoundError(f"camera {command.camera_id!r} does not exist")
    uow.emit(CameraRemoved(camera_id=command.camera_id))
    return Handled(target=f"camera:{command.camera_id}")
