"""What the engine does when other parts of the system change."""
from django.dispatch import receiver

from yibao.catalog import version as catalog_version
from yibao.cases.models import DeferralRule, ItemRule
from yibao.workdays.signals import calendar_changed

# The 材料不全 notice rule and the 容缺 rules are read with the item (snapshot.notice_rule_days,
# checklist), cached with it: their changes move the catalogue's version too.
catalog_version.watch(ItemRule)
catalog_version.watch(DeferralRule)


@receiver(calendar_changed, dispatch_uid="cases.recompute_due_dates")
def recompute_on_calendar_change(sender, years, **kwargs):
    # Imported here: actions pulls in the models, which must not load at app-registry time.
    from yibao.cases.actions import recompute_due_dates

    recompute_due_dates(years)
