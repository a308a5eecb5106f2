"""`yibao demo load` / `yibao demo clear`.

load: for each demo region, a few months of activity made through the real actions (registers,
cases, payments, ratings), deterministic from the seed. Refused on a database holding cases
that are not demo cases; a second load finds the first and changes nothing.

clear: deletes the rows the load wrote (their id ranges, recorded per table in DemoLoad) and the
rows that came to refer to them since (a demo case someone moved on, rated…), and nothing else.
Foreign keys are checked at commit, so the rows go in any order inside one transaction."""
import datetime
import random
import time

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import Max

from yibao.catalog.models import Region
from yibao.demo import clock
from yibao.demo.cases import Maker, STATES
from yibao.demo.models import DemoLoad
from yibao.demo.registers import build, credit_accounts
from yibao.people.demo import DEMO_APPLICANTS, DEMO_REGIONS

DEFAULT_SEED, DEFAULT_PERSONS, DEFAULT_CASES, DEFAULT_MONTHS = 2026, 1000, 80, 3


class DemoRefused(Exception):
    """The database holds real work: the demo is not loaded into it."""


def _tables():
    """Models with an integer id whose rows the demo may write (its own bookkeeping excepted)."""
    return [m for m in apps.get_models(include_auto_created=True)  # with many-to-many tables
            if m is not DemoLoad and isinstance(m._meta.pk, (models.AutoField, models.BigAutoField))]


def _high_water():
    return {m._meta.db_table: m.objects.aggregate(top=Max("pk"))["top"] or 0 for m in _tables()}


def demo_case_ids():
    """The ids of the demo's cases (empty when no demo is loaded)."""
    from yibao.cases.models import Case

    load = DemoLoad.objects.first()
    lo_hi = load.ranges.get(Case._meta.db_table) if load else None
    return (lo_hi[0], lo_hi[1]) if lo_hi else None


def real_cases():
    """Cases nobody would call demo data: not in a demo load's range and not of a demo account."""
    from yibao.cases.models import Case

    demo_numbers = [a[2] for a in DEMO_APPLICANTS]
    cases = Case.objects.exclude(applicant__id_number__in=demo_numbers)
    span = demo_case_ids()
    if span:
        cases = cases.exclude(pk__gte=span[0], pk__lte=span[1])
    return cases


def first_of_month(day, back):
    month = day.month - 1 - back
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def load(*, seed=DEFAULT_SEED, persons=DEFAULT_PERSONS, cases=DEFAULT_CASES, months=DEFAULT_MONTHS, out=None):
    """Load the demo; returns (DemoLoad, created). `out` (a callable) hears progress lines."""
    from django.utils import timezone

    say = out or (lambda line: None)
    existing = DemoLoad.objects.first()
    if existing is not None:
        return existing, False
    if real_cases().exists():
        raise DemoRefused(f"数据库中已有{real_cases().count()}件非演示办件，演示数据只能载入到尚未办理业务的数据库")
    _prerequisites()
    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    since = first_of_month(today, months)
    summary = {}
    with transaction.atomic():
        before = _high_water()
        summary["guides"] = _guides_in_force_since(since)
        for region in Region.objects.filter(code__in=DEMO_REGIONS).order_by("code"):
            region_rng = random.Random(f"{seed}-{region.code}")
            t0 = time.perf_counter()
            with clock.on(since, hour=8):
                made = build(region, region_rng, persons=persons, since=since, today=today)
            maker = Maker(region, region_rng, today=today, since=since, persons=made.persons[:60],
                          employers=made.employers, residents=made.residents, flexible=made.flexible)
            with clock.on(since, hour=8):
                credit_accounts(made.persons[:60], region, region_rng, on=since)
            plans = maker.run(cases)
            summary[region.code] = {"employers": len(made.employers), "persons": len(made.persons),
                                    "cases": len(maker.made) + len(maker.granted), "failures": maker.failures,
                                    "seconds": round(time.perf_counter() - t0, 1)}
            for failure in maker.failures:
                say(f"  未能生成：{failure}")
            say(f"{region.name}：参保单位{len(made.employers)}家，参保人员{len(made.persons)}人，办件{len(maker.made) + len(maker.granted)}件"
                f"（{time.perf_counter() - t0:.1f}秒）")
        _own_cases(rng, today=today, since=since)
        from yibao.demo.cases import county_tickets
        from yibao.enrollment.models import Person

        tickets = county_tickets(rng, list(Person.objects.filter(region__code="dazhou").order_by("id_number")[:20]))
        summary["demo-county"] = {"cases": len(tickets), "failures": []}
        from yibao.cases.actions import mark_overdue

        mark_overdue()
        after = _high_water()
        ranges = {t: [before[t] + 1, after[t]] for t in after if after[t] > before.get(t, 0)}
        record = DemoLoad.objects.create(seed=seed, persons=persons, cases=cases, ranges=ranges,
                                         seconds=round(time.perf_counter() - started, 1), summary=summary)
    _ = rng
    return record, True


def _guides_in_force_since(since):
    """The demo's months happen under the guides in force today: a shipped guide loaded after
    `since` (load-defaults dates it the day it ran) is dated back to `since` with the region's
    other editions, when they all bear that one date (ties go to the later import, so the same
    edition stays in force). Returns {guide id: the date it had}, which clear puts back."""
    from yibao.catalog import version as catalog_version
    from yibao.catalog.models import Guide
    from yibao.core.audit import record
    from yibao.core.models import Channel

    moved = {}
    for guide in Guide.objects.filter(region__code__in=DEMO_REGIONS).in_force().filter(effective_from__gt=since):
        editions = Guide.objects.filter(region_id=guide.region_id)
        if set(editions.values_list("effective_from", flat=True)) == {guide.effective_from}:
            moved.update({str(pk): guide.effective_from.isoformat() for pk in editions.values_list("pk", flat=True)})
            editions.update(effective_from=since)
            catalog_version.bump()  # an update() sends no signal: the editions cached by processes move on
            record(actor=None, channel=Channel.COMMAND, action="演示数据：指南生效日期前移", obj=guide,
                   summary=f"{guide.region.name}办事指南生效日期 {guide.effective_from} → {since}（演示数据，清除时恢复）")
    return moved


def _restore_guides(moved):
    from yibao.catalog import version as catalog_version
    from yibao.catalog.models import Guide

    for pk, day in (moved or {}).items():
        Guide.objects.filter(pk=int(pk)).update(effective_from=datetime.date.fromisoformat(day))
    if moved:
        catalog_version.bump()  # as in _guides_in_force_since


def _prerequisites():
    """The demo accounts, staff and sample registers the printed accounts rely on (idempotent,
    written before the load's ranges start: clear keeps them)."""
    from yibao.accounts.demo import ensure_demo_insured
    from yibao.contributions.actions import load_sample_parameters
    from yibao.core.models import Channel
    from yibao.entitlements.demo import ensure_demo_entitlements
    from yibao.people.demo import ensure_demo_accounts
    from yibao.providers.demo import ensure_demo_providers
    from yibao.remote_care.actions import ensure_sample_parameters
    from yibao.remote_care.demo import ensure_demo_county

    ensure_demo_county()  # first: a region of its own, which the sample parameters then cover
    load_sample_parameters(actor=None, channel=Channel.SYSTEM)
    ensure_sample_parameters()
    ensure_demo_accounts()
    ensure_demo_providers()
    ensure_demo_insured()
    ensure_demo_entitlements()


def _own_cases(rng, *, today, since):
    """The demo person (张演示) and the demo employer get cases of their own: finished ones to rate,
    one in review to follow."""
    from yibao.demo.own import make_own

    make_own(rng, today=today, since=since)


def _referring(model, column, targets, chunk=500):
    """Ids of `model`'s rows whose `column` holds one of `targets` (asked in chunks: SQLite's
    variable limit)."""
    targets, found = sorted(targets), set()
    for i in range(0, len(targets), chunk):
        found.update(model._base_manager.filter(**{f"{column}__in": targets[i:i + chunk]}).values_list("pk", flat=True))
    return found


def _audit_label(model):
    """How core.audit names a model's rows (object_type)."""
    return f"{model._meta.app_label}.{model._meta.model_name}"


def clear():
    """Remove the demo; returns the number of rows deleted (0 when none is loaded)."""
    load = DemoLoad.objects.first()
    if load is None:
        return 0
    by_table = {m._meta.db_table: m for m in _tables()}
    doomed = {}  # model -> set of ids
    for table, (lo, hi) in load.ranges.items():
        model = by_table.get(table)
        if model is not None:
            doomed[model] = set(model._base_manager.filter(pk__gte=lo, pk__lte=hi).values_list("pk", flat=True))
    # Rows written since that refer to demo rows (an event on a demo case, a rating…) go too.
    changed = True
    while changed:
        changed = False
        for model in by_table.values():
            for f in model._meta.concrete_fields:
                target = getattr(f, "related_model", None)
                if not f.is_relation or target not in doomed or not doomed[target]:
                    continue
                ids = _referring(model, f.attname, doomed[target])
                new = ids - doomed.setdefault(model, set())
                if new:
                    doomed[model] |= new
                    changed = True
    # The audit trail's entries about demo rows (written since, e.g. a rating of a demo case).
    from yibao.core.models import AuditEntry

    for model, ids in list(doomed.items()):
        if model is AuditEntry or not ids:
            continue
        label = _audit_label(model)
        found = set()
        keys = sorted(str(i) for i in ids)
        for i in range(0, len(keys), 500):
            found.update(AuditEntry.objects.filter(object_type=label, object_id__in=keys[i:i + 500])
                         .values_list("pk", flat=True))
        doomed.setdefault(AuditEntry, set()).update(found)
    deleted = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            for model, ids in doomed.items():
                ids = sorted(ids)
                for i in range(0, len(ids), 500):
                    chunk = ids[i:i + 500]
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} WHERE "
                                   f"{connection.ops.quote_name(model._meta.pk.column)} IN ({', '.join(['%s'] * len(chunk))})",
                                   chunk)
                    deleted += cursor.rowcount
        _restore_guides(load.summary.get("guides"))
        DemoLoad.objects.all().delete()
    return deleted


__all__ = ["DemoRefused", "STATES", "clear", "load", "real_cases"]
