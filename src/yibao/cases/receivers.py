"""What the engine does when other parts of the system change."""
from django.dispatch import receiver

from yibao.workdays.signals import calendar_changed


@receiver(calendar_changed, dispatch_uid="cases.recompute_due_dates")
def recompute_on_calendar_change(sender, years, **kwargs):
    # Imported here: actions pulls in the models, which must not load at app-registry time.
    from yibao.cases.actions import recompute_due_dates

    recompute_due_dates(years)
