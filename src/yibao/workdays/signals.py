"""Signals of the calendar."""
from django.db import transaction
from django.dispatch import Signal

# Sent after commit with years=set[int] when the schedule of those years changed (a load, an
# edit in the admin): deadlines that fall in them, provisional or not, may need recomputing.
calendar_changed = Signal()


def send_calendar_changed_on_commit(years):
    """Send calendar_changed once the current transaction commits (never for a rolled-back change)."""
    years = {int(y) for y in years}
    if years:
        transaction.on_commit(lambda: calendar_changed.send(sender=None, years=years))
