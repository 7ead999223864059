"""Who is acting and why: carried into every use case so it can be audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kuzet.domain.audit.chain import AuditEntry, AuditOutcome
from kuzet.domain.messages import utc_now


@dataclass(frozen=True, slots=True)
class Actor:
    """The user (or ``cli:<name>``/``system:<job>``) behind a request, with the stated reason and case."""

    name: str
    tenant_id: str | None = None
    reason: str = ""
    case_number: str = ""
    source: str = ""

    def audit(
        self,
        action: str,
        target: str = "",
        outcome: AuditOutcome = AuditOutcome.ALLOWED,
        at: datetime | None = None,
        **details: str,
    ) -> AuditEntry:
        if self.source:
            details = {"source": self.source, **details}
        return AuditEntry(
            actor=self.name,
            action=action,
            at=at or utc_now(),
            target=target,
            outcome=outcome,
            reason=self.reason,
            case_number=self.case_number,
            tenant_id=self.tenant_id,
            details=details,
        )
