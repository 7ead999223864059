"""The one place that picks implementations: settings → adapters → services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kuzet.adapters.bus.memory import InMemoryEventBus
from kuzet.adapters.bus.nats import NatsEventBus
from kuzet.adapters.security import Argon2Passwords, TokenIssuer
from kuzet.adapters.store.engine import make_engine, make_session_factory
from kuzet.adapters.store.outbox import OutboxRelay
from kuzet.adapters.store.unit_of_work import SqlUnitOfWork
from kuzet.config.settings import Settings
from kuzet.domain.commands import AddUser, ImportCameras, ImportSite, RegisterCamera, RemoveCamera
from kuzet.domain.messages import Command
from kuzet.domain.offenses import OffenseTaxonomy
from kuzet.errors import ConfigError
from kuzet.services import cameras, site, users
from kuzet.services.audit import AuditTrail
from kuzet.services.messagebus import CommandHandler, MessageBus
from kuzet.services.ports import EventBus, UnitOfWork
from kuzet.services.throttle import LoginThrottle
from kuzet.services.users import SignIn


@dataclass(frozen=True)
class Kuzet:
    """The wired application: everything an entry point (API, CLI, worker) needs."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    bus: EventBus
    messagebus: MessageBus
    audit: AuditTrail
    sign_in: SignIn
    tokens: TokenIssuer
    taxonomy: OffenseTaxonomy
    outbox: OutboxRelay

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(self.session_factory)

    def dispose(self) -> None:
        self.engine.dispose()


def make_bus(url: str) -> EventBus:
    if url == "memory://":
        return InMemoryEventBus()
    if url.startswith(("nats://", "tls://")):
        return NatsEventBus(url)
    raise ConfigError(f"KUZET_BUS_URL: {url!r} must be memory:// or nats://host:port")


def bootstrap(settings: Settings, taxonomy: OffenseTaxonomy | None = None) -> Kuzet:
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)

    def uow_factory() -> UnitOfWork:
        return SqlUnitOfWork(session_factory)

    passwords = Argon2Passwords()
    handlers: dict[type[Command], CommandHandler] = {
        RegisterCamera: cameras.register_camera,
        ImportCameras: cameras.import_cameras,
        RemoveCamera: cameras.remove_camera,
        ImportSite: site.import_site,
        AddUser: partial(users.add_user, passwords=passwords),
    }
    bus = make_bus(settings.bus_url)
    throttle = LoginThrottle(settings.login_max_failures, settings.login_window_seconds)
    return Kuzet(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        bus=bus,
        messagebus=MessageBus(uow_factory, handlers),
        audit=AuditTrail(uow_factory),
        sign_in=SignIn(uow_factory, passwords, throttle),
        tokens=TokenIssuer(settings.secret_key, timedelta(minutes=settings.token_minutes)),
        taxonomy=taxonomy or OffenseTaxonomy.default(),
        outbox=OutboxRelay(session_factory, bus),
    )
