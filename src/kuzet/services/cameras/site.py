"""Import a site's reference data (districts, tenants, patrol units, cameras) in one transaction."""

from __future__ import annotations

from kuzet.domain.cameras.messages import ImportSite
from kuzet.domain.operations.messages import PatrolUnitRegistered
from kuzet.errors import ConflictError, NotFoundError
from kuzet.services.cameras.registration import upsert_cameras
from kuzet.services.messagebus import Handled
from kuzet.services.ports import UnitOfWork


def import_site(command: ImportSite, uow: UnitOfWork) -> Handled:
    added = {"districts": 0, "tenants": 0, "units": 0}
    for district in command.districts:
        existing = uow.districts.get(district.id)
        if existing is None:
            uow.districts.add(district)
            added["districts"] += 1
        elif existing != district:
            raise ConflictError(f"district {district.id!r} is stored with other data ({existing.name})")
    for tenant in command.tenants:
        if uow.tenants.get(tenant.id) is None:
            uow.tenants.add(tenant)
            added["tenants"] += 1
    for unit in command.units:
        if uow.districts.get(unit.district_id) is None:
            raise NotFoundError(f"unit {unit.id}: unknown district {unit.district_id!r}")
        if uow.units.get(unit.id) is None:
            uow.units.add(unit)
            uow.emit(
                PatrolUnitRegistered(unit_id=unit.id, kind=unit.kind.value, district_id=unit.district_id)
            )
            added["units"] += 1
    camera_added, camera_updated = upsert_cameras(command.cameras, command.replace_cameras, uow)
    summary = {**added, "cameras_added": camera_added, "cameras_updated": camera_updated}
    target = ",".join(f"{k}={v}" for k, v in summary.items())
    return Handled(target=f"site:{target}", value=summary)
