"""What the engine does when other parts of the system change."""
from django.dispatch import receiver

from yibao.catalog import version as catalog_version
from yibao.cases.models import ItemRule
from yibao.workdays.signals import calendar_changed

# The 材料不全 notice rule is read with the item at submission (snapshot.notice_rule), cached with it.
catalog_version.watch(ItemRule)


@receiver(calendar_changed, dispatch_uid="cases.recompute_due_dates")
def recompute_on_calendar_change(sender, years, **kwargs):
    # Imported here: actions pulls in the models, which must not load at app-registry time.
    from yibao.cases.actions import recompute_due_dates

    recompute_due_dates(years)
