"""Users: list and add (admins); passwords are hashed with argon2id and never returned."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from pydantic import BaseModel, ConfigDict, Field

from kuzet.api.deps import Authorize, KuzetDep, Principal
from kuzet.domain.users.messages import AddUser
from kuzet.domain.users.model import USERNAME_PATTERN, Permission, Role, User

router = APIRouter(prefix="/api/users", tags=["users"])


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


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(pattern=USERNAME_PATTERN.pattern)
    password: str = Field(min_length=10, max_length=256)
    role: Role
    tenant_id: str | None = Field(None, max_length=64)
    full_name: str = Field("", max_length=200)


@router.get("")
def list_users(
    _: Annotated[Principal, Depends(Authorize(Permission.USERS_READ, "view_users"))], kuzet: KuzetDep
) -> list[UserPublic]:
    with kuzet.uow() as uow:
        return [UserPublic.of(u) for u in uow.users.list()]


@router.post("", status_code=status.HTTP_201_CREATED)
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
        role=body.role,
        tenant_id=body.tenant_id,
        full_name=body.full_name,
    )
    try:
        user = kuzet.messagebus.handle(command, principal.actor)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    assert isinstance(user, User)
    return UserPublic.of(user)
