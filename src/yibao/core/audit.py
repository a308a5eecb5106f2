"""Recording changes. Every change to a register, a case or the catalogue goes through record()."""
from django.forms.models import model_to_dict

from yibao.core.compiled import insert
from yibao.core.models import AuditEntry, Channel


def _plain(value):
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def snapshot(instance, fields=None):
    """The instance's field values as plain JSON-able data."""
    return {k: _plain(v) for k, v in model_to_dict(instance, fields=fields).items()}


def diff(before, after):
    """{field: [old, new]} for the fields whose values differ."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def acting_user(actor):
    """The user behind an action, or None for the system and commands (what a row's actor column
    and an audit entry record)."""
    return actor if getattr(actor, "is_authenticated", False) else None


def record(*, actor, channel, action, obj=None, object_type="", object_id="", summary="", changes=None):
    """Append one audit entry. `actor` is a user or None (the system or a command)."""
    return insert(entry(actor=actor, channel=channel, action=action, obj=obj, object_type=object_type,
                        object_id=object_id, summary=summary, changes=changes))


def entry(*, actor, channel, action, obj=None, object_type="", object_id="", summary="", changes=None):
    """The audit entry record() appends, not yet written (e.g. prepared before a transaction:
    core.compiled.prepare_insert)."""
    if obj is not None:
        object_type = object_type or f"{obj._meta.app_label}.{obj._meta.model_name}"
        object_id = object_id or str(obj.pk)
    label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = actor.get_username()
    return AuditEntry(
        actor=actor if label else None,
        actor_label=label or ("系统" if channel == Channel.SYSTEM else channel),
        channel=channel,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:500],
        changes=_plain(changes or {}),
    )


def record_many(entries, *, actor, channel):
    """Append one audit entry per dict of `entries` (keys of record(): action, obj, summary,
    changes) in one INSERT per thousand: for a bank return file that settles many orders."""
    rows = [entry(actor=actor, channel=channel, action=e["action"], obj=e["obj"], summary=e.get("summary", ""),
                  changes=e.get("changes")) for e in entries]
    AuditEntry.objects.bulk_create(rows, batch_size=1000)
    return rows
