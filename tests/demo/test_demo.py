"""`yibao demo load` / `clear`: made through the real actions, every state, loaded twice changes
nothing, cleared leaves exactly what was there, refused on a database with real work."""
import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tests.demo.conftest import SMALL
from yibao.cases.models import Case, CaseEvent, Evaluation, FollowUp, Level
from yibao.catalog.models import Guide
from yibao.demo.load import clear, load
from yibao.demo.models import DemoLoad
from yibao.payments.models import PaymentBatch, PaymentOrder
from yibao.people.demo import DEMO_APPLICANTS


def counts():
    return {m._meta.label: m._base_manager.count() for m in apps.get_models(include_auto_created=True) if m is not DemoLoad}


def test_the_demo_leaves_cases_in_every_listed_state(demo):
    today = timezone.localdate()
    cases = Case.objects.all()
    states = set(cases.values_list("state", flat=True))
    assert {"submitted", "correction_requested", "accepted", "under_review", "paying", "completed", "refused",
            "denied", "withdrawn"} <= states
    assert cases.exclude(owed=[]).filter(state="accepted").exists()  # 容缺: a material owed
    overdue = cases.filter(overdue=True)
    assert overdue.exists() and all(c.due_date < today and c.is_open for c in overdue)
    # due soon: open, the computed deadline within the next three days
    assert cases.filter(closed_at=None, due_date__gte=today, due_date__lte=today + datetime.timedelta(days=3)).exists()
    # deadlines are the engine's: every accepted case has the due date its acceptance event recorded
    for case in cases.exclude(accepted_on=None)[:50]:
        accepted = case.events.filter(action="accept").get()
        assert accepted.payload["due_date"] is None or case.due_date >= datetime.date.fromisoformat(
            accepted.payload["due_date"])
        assert timezone.localtime(accepted.at).date() == case.accepted_on  # the clock was set back, not typed
    assert cases.filter(submitted_at__date__lt=today - datetime.timedelta(days=30)).exists()  # months of activity
    # ratings of every level; 差评 follow-ups open and closed
    assert set(Evaluation.objects.values_list("level", flat=True)) == set(Level.values)
    assert FollowUp.objects.filter(closed_at=None).exists() and FollowUp.objects.exclude(closed_at=None).exists()
    # payment orders in batches, each by three different payers; none by the case's reviewer
    batch = PaymentBatch.objects.filter(state="settled").first()
    assert batch is not None and batch.created_by_id != batch.approved_by_id
    for order in PaymentOrder.objects.filter(state="paid"):
        assert len({order.created_by_id, order.approved_by_id, order.settled_by_id}) == 3
    # whoever accepted a case did not approve it (经办与审核分离)
    for case in cases.filter(events__action="approve").distinct():
        accepted = set(case.events.filter(action="accept").values_list("actor_id", flat=True))
        approved = set(case.events.filter(action="approve").values_list("actor_id", flat=True))
        assert not (accepted & approved) - {None}  # the system opens and decides a 免申即享 grant
    # every step has its event, with who and which channel
    assert not CaseEvent.objects.filter(channel="").exists()
    # the demo person and employer have cases of their own, one finished and not yet rated
    for number in (DEMO_APPLICANTS[0][2], DEMO_APPLICANTS[2][2]):
        own = cases.filter(applicant__id_number=number)
        assert own.filter(state="completed", evaluation__isnull=True).exists()
        assert own.filter(closed_at=None).exists()
    # the items of the table (a small demo draws most of them)
    from yibao.demo.recipes import RECIPES

    missing = {r.code for r in RECIPES} - set(cases.values_list("item_code", flat=True))
    assert len(missing) <= 3, missing


def test_every_item_with_a_handler_has_demo_cases_and_they_are_spread_over_offices_and_channels(demo):
    from yibao.cases.handlers import _REGISTRY
    from yibao.catalog.office_refs import region_office_names
    from yibao.catalog.models import Region

    made = set(Case.objects.values_list("item_code", flat=True))
    assert set(_REGISTRY) - made == set()
    # filed at the offices of each region's guide, at the window and online (portal and API)
    for region in Region.objects.filter(code__in=["dazhou", "songpan", "panzhihua"]):
        offices = set(Case.objects.filter(region=region).values_list("office", flat=True))
        listed = set(region_office_names(region.pk))
        assert offices <= listed | {""} and len(offices & listed) >= min(2, len(listed)), (region.code, offices)
    assert {"window", "portal", "api", "system"} <= set(Case.objects.values_list("channel", flat=True))
    # reimbursements carry their 核算明细 (the explanation's lines), paid in bank batches
    from yibao.claims.models import Claim

    paid = Claim.objects.filter(case__state="completed")
    assert paid.exists() and all(c.payable > 0 and c.explanation for c in paid)
    assert PaymentBatch.objects.filter(state="settled").count() >= 3


def test_loading_twice_changes_nothing_and_clear_leaves_what_was_there(seeded_catalog):
    from yibao.demo.load import _prerequisites

    _prerequisites()  # the printed demo accounts exist before (serve makes them) and stay after
    before = counts()
    dates = dict(Guide.objects.values_list("pk", "effective_from"))
    first, created = load(seed=3, **SMALL)
    assert created
    loaded = counts()
    assert loaded["cases.Case"] > before["cases.Case"]
    again, created = load(seed=3, **SMALL)
    assert not created and again.pk == first.pk and counts() == loaded
    out = StringIO()
    call_command("demo", "load", stdout=out)
    assert "未作改动" in out.getvalue() and counts() == loaded
    # what happens to demo cases afterwards (the demo person rates one) goes with them
    from yibao.cases.actions import rate_case

    case = Case.objects.filter(applicant__id_number=DEMO_APPLICANTS[0][2], state="completed",
                               evaluation__isnull=True).first()
    rate_case(case, case.applicant.user, level=Level.SATISFIED, channel="portal")
    assert clear() > 0
    assert counts() == before
    assert dict(Guide.objects.values_list("pk", "effective_from")) == dates
    assert not DemoLoad.objects.exists()
    assert clear() == 0


def test_the_same_seed_makes_the_same_demo(seeded_catalog):
    def shape():
        return sorted(Case.objects.values_list("region__code", "item_code", "state", "submitted_at__date"))

    tiny = {"persons": 10, "cases": 12, "months": 1}
    load(seed=11, **tiny)
    first = shape()
    clear()
    load(seed=11, **tiny)
    assert shape() == first


def test_the_demo_is_refused_on_a_database_with_real_cases(seeded_catalog):
    from tests.domain_support import insured
    from yibao.cases.actions import submit_case
    from yibao.cases.snapshot import item_in_force
    from yibao.catalog.models import Region
    from yibao.core.models import Channel

    dazhou = Region.objects.get(code="dazhou")
    me, _ = insured(dazhou, name="赵真实")
    submit_case(item=item_in_force(dazhou, "person-info-query"), applicant=me, actor=me.user, channel=Channel.PORTAL)
    with pytest.raises(CommandError, match="非演示办件"):
        call_command("demo", "load", "--persons", "20", "--cases", "12")
    assert Case.objects.count() == 1 and not DemoLoad.objects.exists()
