"""Users: list and add (admins); passwords are hashed with argon2id and never returned."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, status
from pydantic import BaseModel, ConfigDict, Field

from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.api.errors import AUTHENTICATED, InvalidRequestError, responses
from kuzet.domain.users.messages import AddUser
from kuzet.domain.users.model import USERNAME_PATTERN, Permission, Role, User

router = APIRouter(prefix="/api/users", tags=["users"], responses=responses(*AUTHENTICATED))


class UserPublic(BaseModel):
    username: str
    role: Role
    tenant_id: str | None
    full_name: str
    active: bool

    @classmethod
    def of(cls, user: User) -> UserPublic:
        return cls(
            username=user.username,
            role=user.role,
            tenant_id=user.tenant_id,
            full_name=user.full_name,
            active=user.active,
        )


class UserCreateFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_PATTERN.pattern)
    password: str = Field(min_length=10, max_length=256)
    role: str
    tenant_id: str | None
    full_name: str = Field("", max_length=200)


class StaffUserCreate(UserCreateFields):
    """Center staff: a tenant is optional."""

    role: Literal["admin", "supervisor", "operator", "analyst", "auditor"]
    tenant_id: str | None = Field(None, max_length=64)


class TenantViewerCreate(UserCreateFields):
    """A tenant's viewer belongs to a tenant."""

    role: Literal["tenant_viewer"]
    tenant_id: str = Field(max_length=64)


UserCreate = Annotated[StaffUserCreate | TenantViewerCreate, Field(discriminator="role")]


@router.get("")
def list_users(
    _: Annotated[Principal, Depends(Authorize(Permission.USERS_READ, "view_users"))], kuzet: KuzetDep
) -> list[UserPublic]:
    with kuzet.uow() as uow:
        return [UserPublic.of(u) for u in uow.users.list()]


@router.post("", status_code=status.HTTP_201_CREATED, responses=responses(404, 409, 422))
def create_user(
    body: UserCreate,
    principal: Annotated[
        Principal, Depends(Authorize(Permission.USERS_WRITE, "change_users", audit_view=False))
    ],
    kuzet: KuzetDep,
) -> UserPublic:
    command = AddUser(
        username=body.username,
        password=body.password,
        role=Role(body.role),
        tenant_id=body.tenant_id,
        full_name=body.full_name,
    )
    try:
        user = kuzet.messagebus.handle(command, principal.actor)
    except ValueError as exc:  # the model states each rule; this is the domain's second line of defence
        raise InvalidRequestError(str(exc), ("body",)) from None
    assert isinstance(user, User)
    return UserPublic.of(user)
