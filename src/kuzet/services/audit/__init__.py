"""Use cases of the audit trail."""
