"""Every staff operation on a campaign leaves an AuditEvent, in its own transaction."""

from campaigns.models import AuditEvent, Campaign


def audit_record(*, campaign: Campaign, actor, action: str, inputs=None, result=None):
    """Append one event (who, what, with which inputs, what came of it)."""
    return AuditEvent.objects.create(
        campaign=campaign,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        inputs=inputs or {},
        result=result or {},
    )
