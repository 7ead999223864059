"""The one place that picks implementations: settings → adapters → services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kuzet.adapters.archive.bundle import ZipBundleWriter
from kuzet.adapters.archive.config import ArchiveConfig, load_archive_config
from kuzet.adapters.archive.filesystem import FilesystemArchive
from kuzet.adapters.archive.media import PyAvMedia
from kuzet.adapters.archive.signing import Ed25519Signer
from kuzet.adapters.bus.memory import InMemoryEventBus
from kuzet.adapters.bus.nats import NatsEventBus
from kuzet.adapters.security import Argon2Passwords, TokenIssuer
from kuzet.adapters.store.engine import make_engine, make_session_factory
from kuzet.adapters.store.outbox import OutboxRelay
from kuzet.adapters.store.unit_of_work import SqlUnitOfWork
from kuzet.config.settings import Settings
from kuzet.config.site import SiteConfig, load_site
from kuzet.domain.archive.model import PlaceLegalHold, ReleaseLegalHold
from kuzet.domain.cameras.messages import ImportCameras, ImportSite, RegisterCamera, RemoveCamera
from kuzet.domain.messages import Command
from kuzet.domain.offenses import OffenseTaxonomy
from kuzet.domain.users.messages import AddUser
from kuzet.errors import ConfigError
from kuzet.ingest.recorder import Recorder
from kuzet.services.archive import legal_holds
from kuzet.services.archive.evidence import EvidenceExports
from kuzet.services.archive.retention import ArchiveRetention
from kuzet.services.archive.segments import Playback, SegmentIndexer
from kuzet.services.archive.uploads import Uploads
from kuzet.services.archive.verify import ArchiveVerifier
from kuzet.services.audit.trail import AuditTrail
from kuzet.services.cameras import registration as cameras
from kuzet.services.cameras import site
from kuzet.services.messagebus import CommandHandler, MessageBus
from kuzet.services.ports import EventBus, UnitOfWork, UnitOfWorkFactory
from kuzet.services.users import accounts as users
from kuzet.services.users.accounts import SignIn
from kuzet.services.users.throttle import LoginThrottle
from kuzet.wiring.operations import OperationsServices, make_operations, operations_handlers


@dataclass(frozen=True)
class ArchiveServices:
    """The video archive: recording index, playback, retention, verification, holds, evidence, uploads."""

    config: ArchiveConfig
    storage: FilesystemArchive
    indexer: SegmentIndexer
    playback: Playback
    retention: ArchiveRetention
    verifier: ArchiveVerifier
    holds: legal_holds.LegalHolds
    evidence: EvidenceExports
    uploads: Uploads


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
    archive: ArchiveServices
    operations: OperationsServices
    site: SiteConfig | None = None  # the site file (KUZET_SITE_FILE): zones and rules for analytics

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(self.session_factory)

    def recorder(self, camera_id: str) -> Recorder:
        """A recorder (the ingest worker's packet sink) that archives and indexes ``camera_id``'s video."""
        archive = self.archive
        return Recorder(
            camera_id,
            archive.storage,
            archive.indexer.index,
            segment_seconds=archive.config.segment_seconds,
        )

    def dispose(self) -> None:
        self.engine.dispose()


def make_bus(url: str) -> EventBus:
    if url == "memory://":
        return InMemoryEventBus()
    if url.startswith(("nats://", "tls://")):
        return NatsEventBus(url)
    raise ConfigError(f"KUZET_BUS_URL: {url!r} must be memory:// or nats://host:port")


def make_archive(
    settings: Settings, config: ArchiveConfig, uow_factory: UnitOfWorkFactory
) -> ArchiveServices:
    storage = FilesystemArchive(settings.archive_path)
    media = PyAvMedia(storage, config.segment_seconds)
    signer = Ed25519Signer(config.signing_key or storage.default_key_file)
    return ArchiveServices(
        config=config,
        storage=storage,
        indexer=SegmentIndexer(uow_factory),
        playback=Playback(uow_factory, storage, media, config.max_clip_seconds),
        retention=ArchiveRetention(
            uow_factory=uow_factory,
            storage=storage,
            rules=config.retention.to_domain(),
            min_free_bytes=config.min_free_bytes,
            max_archive_bytes=config.max_archive_bytes,
        ),
        verifier=ArchiveVerifier(uow_factory, storage),
        holds=legal_holds.LegalHolds(uow_factory),
        evidence=EvidenceExports(
            uow_factory=uow_factory,
            storage=storage,
            media=media,
            bundles=ZipBundleWriter(signer),
            signer=signer,
            max_seconds=config.max_clip_seconds,
        ),
        uploads=Uploads(uow_factory, storage, media),
    )


def bootstrap(
    settings: Settings, taxonomy: OffenseTaxonomy | None = None, archive: ArchiveConfig | None = None
) -> Kuzet:
    """Wire everything; ``archive`` defaults to ``<archive path>/archive.yaml`` or the defaults."""
    engine = make_engine(settings.database_url)
    session_factory = make_session_factory(engine)

    def uow_factory() -> UnitOfWork:
        return SqlUnitOfWork(session_factory)

    passwords = Argon2Passwords()
    site_config = load_site(settings.site_file) if settings.site_file else None
    taxonomy = taxonomy or (site_config.taxonomy() if site_config else OffenseTaxonomy.default())
    operations = make_operations(
        uow_factory, taxonomy, settings.roads, site=site_config.offenses if site_config else None
    )
    handlers: dict[type[Command], CommandHandler] = {
        RegisterCamera: cameras.register_camera,
        ImportCameras: cameras.import_cameras,
        RemoveCamera: cameras.remove_camera,
        ImportSite: site.import_site,
        AddUser: partial(users.add_user, passwords=passwords),
        PlaceLegalHold: legal_holds.place_legal_hold,
        ReleaseLegalHold: legal_holds.release_legal_hold,
        **operations_handlers(operations, taxonomy),
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
        taxonomy=taxonomy,
        outbox=OutboxRelay(session_factory, bus),
        archive=make_archive(settings, archive or load_archive_config(settings.archive_path), uow_factory),
        operations=operations,
        site=site_config,
    )
