"""The demo's cases: each made through the engine's actions by the staff whose role it is, on the
day it happened (the clock set back, yibao.demo.clock), and left in one of STATES. Deadlines are
the engine's: an overdue case is one accepted long enough ago, a case due soon one accepted just
long enough ago (found by asking the calendar), never a typed date."""
import contextlib
import csv
import datetime
import io
from decimal import Decimal
from dataclasses import dataclass, field

from django.db import transaction

from yibao.cases import actions as engine
from yibao.cases.exceptions import CaseError
from yibao.cases.models import Case, DeferralRule, FollowUp, FollowUpOutcome, Level
from yibao.cases.snapshot import has_review, is_payment, item_in_force
from yibao.core.models import Channel
from yibao.demo import clock
from yibao.demo import recipes as kinds
from yibao.demo.recipes import EMPLOYER, PERSON, RECIPES, Context
from yibao.demo.staff import team
from yibao.payments import actions as payments
from yibao.payments.models import OrderState, PaymentOrder
from yibao.core.errors import NamedError
from yibao.people import actions as people
from yibao.people.policy import NotAllowed
from yibao.people.models import Applicant, ApplicantKind, IdType
from yibao.workdays.calendar import due_date

W, P, S, A = Channel.WINDOW, Channel.PORTAL, Channel.SYSTEM, Channel.API
MARK = "（演示数据）"

# The states the demo leaves cases in (the list), with how often each is picked.
# Items that pay out the whole personal-account balance: one of them per person.
EMPTY_THE_ACCOUNT = {"account-withdrawal", "account-transfer"}

STATES = {
    "submitted": 3,  # waiting at the office
    "correction": 3,  # 一次性告知 out
    "owed": 2,  # 容缺受理, a material owed
    "accepted": 3,
    "under_review": 4,
    "paying": 3,  # 拨付中: the order made, awaiting the bank
    "completed": 40,
    "refused": 4,
    "denied": 3,
    "withdrawn": 3,
    "overdue": 3,  # running past its computed deadline
    "due_soon": 3,  # running, deadline within the next 3 days
}
RUNNING_TARGETS = {"owed", "accepted", "under_review", "overdue", "due_soon"}
LEVELS = [(Level.VERY_SATISFIED, 50), (Level.SATISFIED, 25), (Level.BASICALLY_SATISFIED, 12),
          (Level.DISSATISFIED, 8), (Level.VERY_DISSATISFIED, 5)]
RATING_TEXT = {Level.DISSATISFIED: "等候时间较长（演示数据）", Level.VERY_DISSATISFIED: "多次往返仍未办好（演示数据）"}


@dataclass
class Plan:
    """One case to make: the item's recipe, the state to leave it in, the day it was filed."""
    recipe: object
    item: object
    target: str
    day: datetime.date
    applicant: object = None
    context: object = None
    case: object = None
    rated: bool = True
    notes: list = field(default_factory=list)
    provider: object = None  # the provider a provider item is filed for (set when known before)
    subs: list = field(default_factory=list)  # cases made first for this one (a designation…)
    subs_of: object = None  # the plan this one was made first for (decided as soon as it may be)


class NothingToFile(CaseError):
    """The item has no free day left in the demo's months (a provider's settlement periods)."""


def luhn(body):
    """`body` with its Luhn check digit (a valid card number)."""
    total = 0
    for i, digit in enumerate(reversed(body)):
        d = int(digit) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def workday_after(day, n):
    return due_date(day, n).date if n else day


@dataclass
class Shape:
    """What the generator needs to know of an item in force, read once per region."""
    item: object
    snapshot: dict
    review: bool
    pays: bool
    limit: int  # the longest limit it states (0: 即时办结)
    has_materials: bool


def shape_of(item):
    from yibao.cases.snapshot import freeze

    snapshot = freeze(item)
    limits = [t["working_days"] for t in snapshot.get("time_limits") or []]
    return Shape(item, snapshot, has_review(snapshot), is_payment(snapshot), max(limits, default=0),
                 bool(snapshot.get("materials")))


def supports(shape, target, recipe=None):
    """May a case of this item be left in `target`?"""
    if recipe is not None and (recipe.recent or recipe.on_day) and target in ("overdue", "due_soon"):
        return False  # filed today, or on a day the item fixes: its lateness is not the demo's to choose
    if target == "paying":
        return shape.pays
    if target in ("under_review", "denied"):
        return shape.review
    if target in ("correction", "owed") and not shape.has_materials:
        return False  # nothing to ask for or to owe
    if target in ("overdue", "due_soon", "accepted", "owed"):
        return shape.limit > 0
    return True


class Maker:
    """Makes the demo's cases of one region."""

    def __init__(self, region, rng, *, today, since, persons, employers, residents=(), flexible=()):
        from yibao.catalog.office_refs import region_office_names

        self.region, self.rng, self.today, self.since = region, rng, today, since
        self.team = team(region)
        self.persons, self.employers = persons, employers
        self.pools = {kinds.RESIDENT: list(residents), kinds.FLEXIBLE: list(flexible)}
        # cases are filed at every office of the region's guide (the clerk's own first)
        self.offices = region_office_names(region.pk) or [self.team.office]
        self.accounts = {}  # person or employer pk -> Applicant
        self.items, self.shapes = {}, {}
        for recipe in RECIPES:
            try:
                item = item_in_force(region, recipe.code)
            except CaseError:
                continue
            if item is not None and not engine.flow_problem(item):
                self.items[recipe.code] = (recipe, item)
                self.shapes[recipe.code] = shape_of(item)
        self.made, self.granted = [], []
        self.failures = []
        self.used = set()

    # ---------------------------------------------------------------- applicants

    def applicant_for(self, recipe, ctx, own=None):
        ctx.team = self.team
        if own is not None:  # a printed demo account's own case
            ctx.person, ctx.employer = (self.persons or [None])[0], (self.employers or [None])[0]
            return own
        kind = recipe.applicant
        if kind == kinds.WOMAN:
            from yibao.enrollment.models import Enrollment, Scheme

            women = [p for p in self.persons if int(p.id_number[16]) % 2 == 0]
            ctx.person = self.fresh(recipe, women)
            ctx.employer = Enrollment.objects.get(person=ctx.person, scheme=Scheme.EMPLOYEE, end_on=None).employer
            ctx.extra["employer_account"] = self._account(ctx.employer, ApplicantKind.EMPLOYER, IdType.USCC)
            ctx.extra["person_account"] = self._account(ctx.person, ApplicantKind.PERSON, IdType.RESIDENT_ID)
            return ctx.extra["person_account"]
        if kind in (PERSON, kinds.RESIDENT, kinds.FLEXIBLE, kinds.AIDED, kinds.FILED):
            ctx.person = self.fresh(recipe, self.pools.get(kind, self.persons) if kind != kinds.AIDED
                                    else self.pools[kinds.RESIDENT])
            if kind == kinds.FILED:
                self.file_remote(ctx.person, ctx.day)
            if kind == kinds.AIDED:
                self.recognise(ctx.person, ctx.day)
            return self._account(ctx.person, ApplicantKind.PERSON, IdType.RESIDENT_ID)
        if kind == EMPLOYER:  # one case of an item per employer (a second 申报 of a year would be refused)
            ctx.employer = self.fresh(recipe, self.employers)
            return self._account(ctx.employer, ApplicantKind.EMPLOYER, IdType.USCC)
        if ctx.provider is not None:
            return ctx.provider.account
        from yibao.demo.registers import DIVISION, credit_code, id_numbers, name

        division = DIVISION.get(self.region.code, "511702")
        taken = set(Applicant.objects.values_list("id_number", flat=True))
        if kind == kinds.NEW_EMPLOYER:
            number = next(c for c in (credit_code(division, self.rng.randrange(10**7)) for _ in range(100))
                          if c not in taken)
            ctx.newcomer = (number, f"{self.region.name.removesuffix('市').removesuffix('县')}新设演示"
                                    f"{self.rng.randrange(1, 999)}号有限公司")
            return people.register_applicant(ApplicantKind.EMPLOYER, IdType.USCC, number, ctx.newcomer[1],
                                             f"0818-23{self.rng.randrange(10**5):05d}", None, self.region, channel=S)
        if kind == kinds.NEW_PROVIDER:
            number = next(c for c in (f"{recipe.prefix}{division}{self.rng.randrange(10**5):05d}"
                                      for _ in range(100)) if c not in taken)
            ctx.newcomer = (number, f"{self.region.name}{self.rng.choice(('康宁', '仁济', '安康', '同心'))}演示"
                                    f"{'医院' if number[0] == 'H' else '大药房'}")
            return people.register_applicant(ApplicantKind.PROVIDER, IdType.PROVIDER_CODE, number, ctx.newcomer[1],
                                             f"0818-24{self.rng.randrange(10**5):05d}", None, self.region, channel=S)
        number = id_numbers(self.rng, division, 1, taken=taken)[0]
        ctx.newcomer = (number, name(self.rng))
        return people.register_applicant(ApplicantKind.PERSON, IdType.RESIDENT_ID, number, ctx.newcomer[1],
                                         f"138{self.rng.randrange(10**8):08d}", None, self.region, channel=S)

    def fresh(self, recipe, pool):
        """A person of `pool` with no case of this item yet (a second recognition or filing would be
        refused; filings of any kind count as one: a second one would overlap the first; so do the
        items that pay the whole personal account out)."""
        keys = {recipe.once or recipe.code}
        if recipe.code.startswith("remote-") or recipe.applicant == kinds.FILED:
            keys = {"remote"}
        if recipe.code in EMPTY_THE_ACCOUNT:
            keys.add("account")  # a withdrawal after a transfer (or the reverse) would find nothing left
        fresh = [p for p in pool if not any((key, p.pk) in self.used for key in keys)] or pool
        person = self.rng.choice(fresh)
        self.used.update((key, person.pk) for key in keys)
        if recipe.leaves:
            pool.remove(person)
        return person

    def file_remote(self, person, day):
        """A long-term cross-province filing on the register (what 办结 of 异地安置退休人员备案 writes)."""
        from yibao.remote_care import actions as filings
        from yibao.remote_care.models import Filing

        if Filing.objects.filter(person=person).exists():
            return
        province, city = self.rng.choice(kinds.PLACES)
        with clock.on(self.since, hour=8):
            filings.file_filing(person, self.region, filings.Request(
                kind="retiree", province=province, city=city, start_on=self.since, basis="proof",
                basis_note="演示数据", applied_on=self.since), actor=None, channel=S)

    def recognise(self, person, day):
        """This year's 低保对象 recognition (the civil-affairs list, 演示数据)."""
        from yibao.medical_aid import actions as aid

        if aid.recognition(person, day.year) is None:
            aid.recognise(person, day.year, "subsistence", "civil", f"演示数据：{self.region.name}民政局低保证",
                          actor=None, channel=S)

    def _account(self, holder, kind, id_type):
        number = getattr(holder, "uscc", None) or holder.id_number
        found = Applicant.objects.filter(id_number=number).first()
        if found is None:
            found = people.register_applicant(kind, id_type, number, holder.name,
                                              getattr(holder, "phone", "") or f"138{self.rng.randrange(10**8):08d}",
                                              None, self.region, channel=S)
        return found

    # ---------------------------------------------------------------- planning

    def plan(self, count):
        """`count` plans: every state at least once (where some item supports it), the rest drawn."""
        states = list(STATES)
        targets = states + self.rng.choices(states, weights=[STATES[s] for s in states], k=max(0, count - len(states)))
        plans = []
        codes = [c for c in self.items if self.items[c][0].weight]
        weights = [self.items[c][0].weight for c in codes]
        # every item once first, taken to its end (the figures and 核算明细 show real amounts), then
        # the states drawn (each at least once)
        for code in codes:
            target = "completed"
            recipe, item = self.items[code]
            plans.append(Plan(recipe, item, target, self.first_day(target, item, recipe)))
        for target in targets[:max(count - len(codes), len(states))]:
            fitting = [(c, w) for c, w in zip(codes, weights) if supports(self.shapes[c], target, self.items[c][0])]
            if not fitting:
                continue
            code = self.rng.choices([c for c, _ in fitting], weights=[w for _, w in fitting])[0]
            recipe, item = self.items[code]
            plans.append(Plan(recipe, item, target, self.first_day(target, item, recipe)))
        return plans

    def first_day(self, target, item, recipe=None):
        span = (self.today - self.since).days
        if recipe is not None and recipe.recent:
            return self.today
        if target in ("submitted", "correction"):
            return self.today - datetime.timedelta(days=self.rng.randrange(0, 4))
        if target == "due_soon":
            return self.accepted_for_due_soon(item, recipe)
        if target == "overdue":
            limit = self.shapes[item.code].limit
            back = self.today - datetime.timedelta(days=int(limit * 1.6) + 10 + self.rng.randrange(20))
            return max(back, self.since)
        if target in RUNNING_TARGETS or target == "paying":
            return self.today - datetime.timedelta(days=self.rng.randrange(1, 6))
        return self.since + datetime.timedelta(days=self.rng.randrange(max(1, span - 30)))

    def accepted_for_due_soon(self, item, recipe):
        """The latest day from which the case's limit (the engine's own computation, at the window)
        ends within the next 3 days."""
        from yibao.cases.checklist import Conditions
        from yibao.cases.deadlines import compute
        limits = self.shapes[item.code].snapshot["time_limits"]
        conditions = Conditions.parse(recipe.conditions if recipe else {})
        day = self.today
        while day > self.since:
            due = compute(limits, conditions, online=False, accepted_on=day).due_date
            if due and self.today <= due <= self.today + datetime.timedelta(days=3):
                return day
            day -= datetime.timedelta(days=1)
        return self.today

    # ---------------------------------------------------------------- making

    def make(self, plan):
        ctx = Context(region=self.region, rng=self.rng, day=plan.day)
        self.before_filing(plan, ctx)
        with self.on(plan, plan.day, hour=9):
            plan.applicant = self.applicant_for(plan.recipe, ctx, getattr(plan, "own", None))
        plan.context = ctx
        online = (any(c.online for c in plan.item.channels.all()) and plan.target not in ("due_soon", "overdue")
                  and not plan.recipe.window
                  and self.rng.random() < 0.5)
        materials = self.materials(plan.item, plan.recipe)
        if plan.target == "correction":
            materials = []
        owed_key = None
        if plan.target == "owed" and materials:
            owed_key = materials.pop()
            self.deferral(plan.item, owed_key)
        t = self.team
        with self.on(plan, plan.day, hour=9 + self.rng.randrange(7)):
            actor, channel = (plan.applicant.user, self.rng.choice((P, P, A))) if online else (t.clerk, W)
            office = self.rng.choice(self.offices)

            def open_case(code, data):
                return engine.submit_case(item=plan.item, applicant=plan.applicant, actor=actor, channel=channel,
                                          office=office, conditions=plan.recipe.conditions, data=data,
                                          materials=materials, comment=f"演示数据{'' if online else '：窗口收件'}")
            ctx.extra["channel"] = P if channel == W else channel  # the provider's own upload
            ctx.extra.update(code=plan.item.code, actor=actor, submit_channel=channel, office=office,
                             correction=plan.target == "correction")
            case = plan.recipe.file(ctx, open_case) if plan.recipe.file else open_case(plan.item.code,
                                                                                        plan.recipe.data(ctx))
            if isinstance(case, list):  # a 合并申请: the plan follows its own item's case, the others alike
                siblings = [c for c in case if c.item_code != plan.item.code]
                case = next(c for c in case if c.item_code == plan.item.code)
                for other in siblings:
                    recipe, item = self.items[other.item_code]
                    sibling = Plan(recipe, item, plan.target, plan.day, applicant=other.applicant, context=ctx,
                                   subs_of=plan.subs_of)
                    self.advance(sibling, other)
                    plan.subs.append(sibling)
        return self.advance(plan, case)

    def advance(self, plan, case):
        """Take the filed case to the plan's state (the office's afternoon of the day it was filed)."""
        t = self.team
        with self.on(plan, plan.day, hour=16):
            plan.case, plan.applicant = case, case.applicant  # a bundle's allowance is the employer's
            if plan.target == "submitted":
                return plan
            if plan.target == "correction":
                engine.request_correction(case, t.clerk, channel=W, comment="演示数据")
                return plan
            if plan.target == "refused":
                engine.refuse_case(case, t.clerk, channel=W, reason="不属于本事项受理范围（演示数据）")
                return self.rate(plan, plan.day)
            if plan.target == "withdrawn":
                engine.withdraw_case(case, plan.applicant.user, channel=P, reason="已不需要办理（演示数据）")
                return plan
            review, pays = has_review(case.snapshot), is_payment(case.snapshot)
            if not review and not pays and self.shapes[plan.item.code].limit == 0:
                engine.run_instant(case, t.clerk, channel=W, comment="")
                return self.rate(plan, plan.day)
            engine.accept_case(case, t.clerk, channel=W, comment="演示数据")
            case.refresh_from_db()
        if plan.target in ("owed", "accepted", "due_soon") or (plan.target == "overdue" and not review):
            return plan
        limit = case.limit_days or 0
        # 即办 (a 0-day limit) is decided the day it is accepted; others from the next working day
        day = workday_after(plan.day, 1) if plan.target != "overdue" and limit else plan.day
        if review:
            with self.on(plan, min(day, self.today), hour=10):
                engine.start_review(case, t.reviewer, channel=W, comment="演示数据")
            if plan.target in ("under_review", "overdue"):
                return plan
        # decided on time mostly; one in six late
        late = self.rng.random() < 0.17 and not plan.subs_of
        on_time = self.rng.randrange(1, max(2, limit)) if limit and not plan.subs_of else 0
        decided = workday_after(plan.day, limit + self.rng.randrange(1, 6) if late else on_time)
        decided = min(max(decided, day, workday_after(plan.day, plan.recipe.min_days)), self.today)
        with self.on(plan, decided, hour=14):
            if review and plan.target == "denied":
                engine.deny_case(case, t.reviewer2, channel=W, reason="不符合办理条件（演示数据）")
                return self.rate(plan, decided)
            if review:
                if plan.recipe.before_decision:
                    plan.recipe.before_decision(case, t, W)
                engine.approve_case(case, t.reviewer2, channel=W, comment="演示数据")
            if pays:
                case.refresh_from_db()
                if plan.recipe.before_pay:
                    plan.recipe.before_pay(case, t, W)
                    case.refresh_from_db()
                engine.pay_case(case, t.maker, channel=W, comment="演示数据")
                plan.notes.append(decided)
                return plan  # settled in a batch, then completed (settle_and_complete)
            engine.complete_case(case, t.clerk, channel=W, comment="演示数据")
        return self.rate(plan, decided)

    def before_filing(self, plan, ctx):
        """What must exist before the case is filed: the provider it is for (designated through a
        designation case of its own, suspended through a suspension case), the day the item fixes."""
        kind = plan.recipe.applicant
        if kind in (kinds.DESIGNATED, kinds.SUSPENDED, kinds.PHARMACY) and plan.provider is None:
            # after a designation's evaluation and publicity (a month)
            plan.day = ctx.day = min(max(plan.day, self.since + datetime.timedelta(days=35)), self.today)
            plan.provider = self.designated(plan, "pharmacy-designation" if kind == kinds.PHARMACY
                                            else "hospital-designation")
            if kind == kinds.SUSPENDED:
                self.sub(plan, "provider-suspension", plan.day - datetime.timedelta(days=10), provider=plan.provider)
        elif kind == kinds.PROVIDER:
            from yibao.providers.demo import DESIGNATED
            from yibao.providers.models import Provider

            plan.provider = Provider.objects.get(code=DESIGNATED[self.region.code][0])
        ctx.provider = plan.provider
        if plan.recipe.on_day:
            day = plan.recipe.on_day(self, ctx)
            if day is None and kind == kinds.PROVIDER:  # the demo hospital's months are taken: a hospital of the demo's
                plan.provider = ctx.provider = self.designated(plan, "hospital-designation")
                day = plan.recipe.on_day(self, ctx)
            if day is None:
                raise NothingToFile(f"{plan.recipe.code}：演示期间内没有可申报的月份")
            plan.day = ctx.day = day

    def sub(self, plan, code, day, provider=None):
        """A case made (to 办结) before `plan`'s, which it needs."""
        if code not in self.items:
            raise NothingToFile(f"{self.region.name}现行办事指南中没有{code}")
        recipe, item = self.items[code]
        sub = Plan(recipe, item, "completed", max(day, self.since), provider=provider, subs_of=plan)
        self.make(sub)
        plan.subs.append(sub)
        return sub

    def designated(self, plan, code):
        from yibao.providers.models import Provider

        sub = self.sub(plan, code, self.since + datetime.timedelta(days=self.rng.randrange(3)))
        return Provider.objects.get(code=sub.applicant.id_number)

    def settlement_day(self, provider):
        """A working day early in a month whose previous month `provider` has not settled, from the
        demo's second month on. The printed demo hospital's last month is left for the README's
        tour; a provider the demo designated settles its latest month first (its agreement began
        during the demo)."""
        from yibao.providers.demo import DESIGNATED
        from yibao.providers.models import ClaimSubmission

        printed = provider.code == DESIGNATED.get(self.region.code, ("",))[0]
        months, month = [], (self.since + datetime.timedelta(days=32)).replace(day=1)
        while month < self.today.replace(day=1) or (not printed and month == self.today.replace(day=1)):
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        for month in (months if printed else reversed(months)):
            period = f"{month - datetime.timedelta(days=1):%Y-%m}"
            day = workday_after(month, 2)
            if day <= self.today and (provider.pk, period) not in self.used and not ClaimSubmission.objects.filter(
                    provider=provider, period=period).exists():
                self.used.add((provider.pk, period))
                return day
        return None

    @staticmethod
    def on(plan, day, hour):
        """The clock set back to `day`, or left as it is for a recipe filed now (recent)."""
        return contextlib.nullcontext() if plan.recipe.recent else clock.on(day, hour=hour)

    def materials(self, item, recipe):
        from yibao.cases.checklist import Conditions, applies

        parsed = Conditions.parse(recipe.conditions)
        return [str(m.ordinal) for m in item.materials.all() if recipe.all_materials or applies(m.when, parsed)]

    def deferral(self, item, key):
        material = item.materials.get(ordinal=int(key)).name
        DeferralRule.objects.get_or_create(item_code=item.code, region=self.region, material=material[:200],
                                           defaults={"working_days": 5, "note": "演示数据：容缺受理示例"})

    def rate(self, plan, day):
        """The applicant rates most finished cases a day or two later; a 差评 is followed up."""
        if self.rng.random() < 0.2 or not plan.rated:
            return plan
        when = min(workday_after(day, self.rng.randrange(0, 3)), self.today)
        rated = len([p for p in self.made if getattr(p, "level", None)])
        levels = [lv for lv, _ in LEVELS]
        level = levels[rated] if rated < len(levels) else self.rng.choices(levels, weights=[w for _, w in LEVELS])[0]
        plan.level = level
        with clock.on(when, hour=18):
            evaluation = engine.rate_case(plan.case, plan.applicant.user, level=level, channel=P,
                                          text=RATING_TEXT.get(level, ""))
        if evaluation.negative:
            follow_up = FollowUp.objects.get(evaluation=evaluation)
            closed = workday_after(when, self.rng.choice((3, 8, 12, 20)))
            if self.rng.random() < 0.7 and closed < self.today:
                with clock.on(closed, hour=11):
                    engine.close_follow_up(follow_up, self.team.supervisor, outcome=FollowUpOutcome.RECTIFIED,
                                           note="已核实，窗口人员加强培训，已电话回访（演示数据）", channel=W,
                                           called_back_on=closed)
        return plan

    # ---------------------------------------------------------------- payments

    def settle_and_complete(self, plans):
        """The paying cases to complete: per week of 拨付, their orders disbursed (disburse); then
        办结 and the rating."""
        t = self.team
        by_month = {}
        for plan in plans:
            by_month.setdefault(plan.notes[0] - datetime.timedelta(days=plan.notes[0].weekday()), []).append(plan)
        for month, group in sorted(by_month.items()):
            day = min(workday_after(max(p.notes[0] for p in group), 2), self.today)
            with clock.on(day, hour=9):
                self.disburse(PaymentOrder.objects.filter(case__in=[p.case for p in group], state=OrderState.CREATED))
            done = min(workday_after(day, 1), self.today)
            for plan in group:
                with clock.on(done, hour=15):
                    engine.complete_case(plan.case, t.clerk, channel=W, comment="演示数据")
                self.rate(plan, done)

    def disburse(self, orders):
        """The orders approved by the checker, batched and the batch's file exported by the cashier,
        the batch approved by the checker, the bank's return file imported by the cashier (three
        people)."""
        t = self.team
        orders = list(orders)
        for order in orders:
            payments.approve_order(order, t.checker, channel=W, comment="演示数据")
        kinds = {(o.account_kind, o.bank_name) for o in orders}
        for kind, bank in sorted(kinds):
            batch = payments.create_batch(self.region.pk, account_kind=kind, bank_name=bank, actor=t.cashier,
                                          channel=W, order_nos=[o.order_no for o in orders
                                                                if (o.account_kind, o.bank_name) == (kind, bank)])
            payments.approve_batch(batch, t.checker, channel=W)
            payments.export_batch(batch, t.cashier, channel=W, fmt="csv")
            payments.import_return(batch, self.return_file(batch), t.cashier, channel=W,
                                   filename=f"回盘{batch.batch_no}（演示数据）.csv")

    def aid_batch(self, size=8):
        """免申即享: the civil-affairs list of this year's aid recipients among the region's residents
        (their contribution paid, 演示数据), run as a batch: each match a case the system opens,
        reviews and approves; the payer's orders disbursed; 办结 by the system. Returns the cases."""
        from yibao.contributions.models import ResidentContribution
        from yibao.medical_aid import batch as aid
        from yibao.medical_aid.lists import store_list
        from yibao.medical_aid.models import Grant

        if aid.ITEM not in self.items or not self.pools[kinds.RESIDENT]:
            return []
        year, t = self.today.year, self.team
        chosen = [p for p in self.pools[kinds.RESIDENT] if ("aid", p.pk) not in self.used][:size]
        rows = ["序号,姓名,身份证号码,救助类别,社会保障卡金融账号,开户银行"]
        for n, person in enumerate(chosen, start=1):
            self.used.add(("aid", person.pk))
            ResidentContribution.objects.get_or_create(person=person, year=year, defaults={
                "region": self.region, "due": Decimal("380.00"), "paid": Decimal("380.00"),
                "paid_on": datetime.date(year - 1, 12, 20), "reference": f"演示缴费{person.id_number[-4:]}"})
            category = self.rng.choice(("特困人员", "低保对象", "防止返贫监测对象"))
            rows.append(f"{n},{person.name},{person.id_number},{category},{luhn(f'62179965{person.id_number[-11:-1]}')},"
                        "四川省农村信用社")
        day = min(workday_after(self.since, 10), self.today)
        with clock.on(day, hour=9):
            recipients, _ = store_list(self.region, source="civil", period=f"{year}（演示数据）", year=year,
                                       content="\n".join(rows).encode("utf-8"), filename="救助对象名单（演示数据）.csv",
                                       actor=t.clerk, channel=W)
            batch = aid.run_batch(aid.create_batch(self.region, year, [recipients], actor=t.clerk, channel=W).pk)
            aid.pay_orders(batch, t.maker, channel=W)
        with clock.on(workday_after(day, 2), hour=9):
            self.disburse(PaymentOrder.objects.filter(
                case_id__in=Grant.objects.filter(batch=batch).values("case_id"), state=OrderState.CREATED))
        with clock.on(workday_after(day, 3), hour=9):
            aid.complete_paid(batch)
        return [g.case for g in Grant.objects.filter(batch=batch).select_related("case")]

    @staticmethod
    def return_file(batch):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["指令号", "账号", "金额", "结果", "银行流水号", "失败原因"])
        for order in batch.orders.order_by("pk"):
            writer.writerow([order.order_no, order.account_no, str(order.amount), "成功", f"DEMO{order.pk:08d}", ""])
        return out.getvalue().encode("utf-8")

    def attempt(self, plan):
        """Make one case, all or nothing: a refusal by a domain rule is noted in `failures` (the
        tests require none) and the demo goes on without that case."""
        try:
            with transaction.atomic():
                self.make(plan)
            return True
        except (NamedError, NotAllowed, CaseError) as exc:
            self.failures.append(f"{plan.recipe.code}→{plan.target}：{exc}")
            return False

    def run(self, count):
        plans = self.plan(count)
        to_settle = []
        for plan in plans:
            if not self.attempt(plan):
                continue
            self.made.extend(plan.subs)
            self.made.append(plan)
            to_settle.extend(p for p in plan.subs if p.target == "completed" and p.notes)
            if plan.target == "completed" and plan.notes:
                to_settle.append(plan)
        self.settle_and_complete(to_settle)
        self.granted = self.aid_batch()
        return plans


PROBLEMS = [("微信", "出院结算时医院称未查到备案，不能直接结算"), ("电话", "门诊慢特病在就医地无法直接结算"),
            ("信访", "异地住院结算后个人负担明显偏高，请核实"), ("网上", "备案后在就医地药店刷卡提示未开通")]


def county_tickets(rng, persons):
    """异地就医直接结算问题协调 tickets in 演示县 (the one region whose guide, the 附件5 template,
    publishes the item), filed today at its window by its clerk for persons insured in the demo
    regions: one answered (办结), one being coordinated, one just received. Returns the cases."""
    from django.contrib.auth import get_user_model

    from yibao.remote_care.demo import CLERK, COUNTY
    from yibao.catalog.models import Region

    region = Region.objects.filter(code=COUNTY["code"]).first()
    clerk = get_user_model().objects.filter(username=CLERK).first()
    if region is None or clerk is None or not persons:
        return []
    try:
        item = item_in_force(region, "remote-settlement-help")
    except CaseError:
        return []
    made = []
    for n, target in enumerate(("completed", "accepted", "submitted")):
        person = persons[rng.randrange(len(persons))]
        applicant = Applicant.objects.filter(id_number=person.id_number).first() or people.register_applicant(
            ApplicantKind.PERSON, IdType.RESIDENT_ID, person.id_number, person.name,
            f"138{rng.randrange(10**8):08d}", None, person.region, channel=S)
        source, problem = PROBLEMS[n % len(PROBLEMS)]
        province, city = rng.choice(kinds.PLACES)
        case = engine.submit_case(item=item, applicant=applicant, actor=clerk, channel=W, data={
            "source": source, "phone": f"139{rng.randrange(10**8):08d}", "insured_place": person.region.name,
            "care_place": f"{province}{city}", "provider": f"{city}演示医院", "problem": f"{problem}（演示数据）"},
            comment="演示数据：窗口收件")
        if target != "submitted":
            case = engine.accept_case(case, clerk, channel=W, comment="演示数据")
        if target == "completed":
            case = engine.complete_case(case, clerk, channel=W, comment="已与就医地医保部门核实，已重新结算（演示数据）")
        made.append(case)
    return made

