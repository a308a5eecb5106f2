"""Where the engine meets the domains: one handler per item code.

A domain app registers its handlers in its AppConfig.ready():

    from yibao.cases.handlers import Handler, register

    class UnitEnrollment(Handler):
        label = "单位参保登记"
        schema = UnitEnrollmentData      # a pydantic model of the case data
        has_effect = True
        def on_complete(self, case, actor): ...  # write the register; return a summary dict

    register("unit-enrollment", UnitEnrollment())

Until a domain registers one, an item runs on GenericHandler: the case is recorded and
completed, and nothing in any register changes (it says so in the completion event).

Whether an item pays is its flow (catalogue data, frozen into the case); a handler declares
`pays` (True, False, or None: it follows the item's flow) and the two must agree. Paying is
done by the disbursement core (payments), which registers itself here: the engine asks it for
an order at 拨付 and learns from it when the order is paid or failed.
"""
import threading
from importlib import import_module

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from yibao.cases.exceptions import DomainCheckFailed, InvalidCaseData, PayeeNotNamed, PaymentAmountRequired
from yibao.catalog import flow as catalog_flow
from yibao.catalog.codes import BY_CODE, ITEM_CODES
from yibao.core.money import MoneyError, payable, yuan


class Handler:
    """Base handler: override what the item needs. Every hook runs inside the action's transaction."""

    label = "通用办理"
    schema = None  # the case data, a pydantic model; None accepts any JSON object
    has_effect = False  # does 办结 change a register?
    pays = False  # does the item pay (拨付 by an order before 办结)? None: as the item's flow says

    def validate_data(self, data, conditions):
        """The case data as stored; InvalidCaseData when it does not fit the schema."""
        data = data or {}
        if not isinstance(data, dict):
            raise InvalidCaseData("申请信息格式不正确", errors=[{"field": "", "message": "应为键值对象"}])
        if self.schema is None:
            return data
        from pydantic import ValidationError  # with the schemas, not at start-up (every command imports this module)

        try:
            return self.schema.model_validate(data).model_dump(mode="json")
        except ValidationError as exc:
            errors = [
                {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
            ]
            # A rule over the whole data (a model validator) has no field: its own words are the message.
            fields = "、".join(e["field"] for e in errors if e["field"]) or "；".join(
                e["message"].removeprefix("Value error, ") for e in errors) or "申请信息"
            raise InvalidCaseData(f"申请信息不符合要求：{fields}", errors=errors) from None

    def displayed(self, case):
        """(schema, data) to show the case data to staff: by default the schema and the data as
        stored; a handler whose data are bulky (a sheet's rows) shows a summary instead."""
        return self.schema, case.data

    def materials(self, entries, case):
        """Adjust the checklist the catalogue gives for this case (drop, add, relax)."""
        return entries

    def check(self, case, action, actor):
        """Domain rules before `action` (an Action value); raise DomainCheckFailed to refuse. Told
        of every step, including 不予受理 and 撤回, so a handler may release what it reserved.
        It reads and does not change the case: at 申请 the case's row is prepared before the
        check (on_submit, after the row is written, may change and save it)."""

    def on_submit(self, case, actor):
        """After the case row is written at 申请 and again after a 补正 (inside that transaction):
        reserve what the case claims, e.g. invoice numbers under a unique constraint. A refusal
        (DomainCheckFailed) rolls the submission back."""

    def on_complete(self, case, actor):
        """The effect of 办结 on the registers. Returns a summary (plain data) for the event.
        `case.closing_comment` holds what staff wrote at 办结 (an answer a ticket feeds back)."""
        return {}

    def payee(self, case):
        """Who is paid, from the case data: {"payee_name", "account_kind", "account_no",
        "bank_name", "purpose"}; None when the payer names the account at 拨付 (the default)."""
        return None

    def payee_names(self, case):
        """The names the guide lets the paid account be held in (the insured, the heir, the unit):
        by default the applicant's, whoever filed the case. An agent's name is never among them
        unless the handler says the guide names him (a unit that applied for its employee)."""
        return [case.applicant.name]

    def check_payee(self, case, holder):
        """Refuse an account held in a name the guide does not name (PayeeNotNamed, in Chinese)."""
        holder = (holder or "").strip()
        allowed = [n.strip() for n in self.payee_names(case) if n and n.strip()]
        if holder and holder not in allowed:  # no name at all: the payments core asks for one
            agent = "不能拨付至代理人的账户，" if case.agent_id and holder == case.agent.name else ""
            raise PayeeNotNamed(f"收款账户户名须为{'或'.join(allowed)}（办事指南规定的收款人），{agent}"
                                f"请提供该收款人名下的账户", field="payee_name", allowed=allowed)

    def on_pay(self, case, actor, channel, payee=None):
        """At 拨付, after the checks: make the payment order (the handler's payee, else the one the
        payer gave), to an account in a name the guide names. Returns a summary with the order
        number for the event."""
        payee = self.payee(case) or payee
        if not payee:
            raise InvalidCaseData("请填写收款人、账户类型、收款账号和开户银行", field="payee_name")
        self.check_payee(case, payee.get("payee_name"))
        return disburse(case, payee, actor=actor, channel=channel)

    def amount(self, case):
        """For payment items, the amount to pay (Decimal), or None to take the reviewer's figure."""
        return None

    def approved_amount(self, case, given):
        """The amount fixed at approval: the handler's own, else the reviewer's; positive, 2
        places, inside the column and under the item's ceiling (PaymentCeiling)."""
        own = self.amount(case)
        if own is None and given in (None, ""):
            raise PaymentAmountRequired("需拨付的事项审核通过时须核定金额", field="amount")
        try:
            # the handler computes (to the fen, rounded); the reviewer types (2 places at most)
            return payable(yuan(own) if own is not None else given, ceiling=ceiling_for(case))
        except MoneyError as exc:
            raise PaymentAmountRequired(str(exc), field="amount") from None


class GenericHandler(Handler):
    """Records and completes the case; no register changes. Used until a domain handler lands."""

    label = "通用办理（无登记簿变更）"
    pays = None  # pays when the item's flow does: the payer names the account at 拨付

    def on_complete(self, case, actor):
        return {"effect": False, "note": "该事项尚无业务处理模块，办结不变更登记簿"}


_REGISTRY = {}
_GENERIC = GenericHandler()
_DISBURSER = []  # the payments core, once it registered: (make_order, paid_orders)


def register_disburser(make_order, paid_orders):
    """The payments core: `make_order(case, payee, *, actor, channel) -> {"order": order_no, ...}`
    and `paid_orders([(case id, order no)]) -> {order no, ...}` (those recorded as paid)."""
    _DISBURSER[:] = [make_order, paid_orders]


def check_paid(pairs):
    """Refuse to mark cases 已拨付 unless the payments core says each (case id, order no) is paid."""
    wanted = {order_no for _, order_no in pairs}
    paid = _DISBURSER[1](pairs) if _DISBURSER else set()
    missing = sorted(wanted - set(paid))
    if missing:
        raise DomainCheckFailed(f"支付指令未支付成功：{'、'.join(missing[:5])}", orders=missing[:100])


def disburse(case, payee, *, actor, channel):
    if not _DISBURSER:
        raise DomainCheckFailed("支付模块未启用，不能拨付")
    summary = _DISBURSER[0](case, payee, actor=actor, channel=channel) or {}
    if not summary.get("order"):
        raise DomainCheckFailed("未生成支付指令，不能拨付")
    return summary


def ceiling_for(case, on=None):
    """The item's 支付上限 in force for `case` (its region's own, else every region's), or None."""
    from yibao.cases.models import PaymentCeiling

    on = on or timezone.localdate()
    rows = PaymentCeiling.objects.filter(item_code=case.item_code, effective_from__lte=on)
    own = rows.filter(region_id=case.region_id).order_by("-effective_from").first()
    row = own or rows.filter(region=None).order_by("-effective_from").first()
    return row.ceiling if row else None


_MODULES = []  # domain modules whose register_all() has not run yet (register_module)
_LOADING = threading.RLock()
_loaded = [True]  # False while a named module waits; a list so the functions below can set it


def register_module(path):
    """A domain's handlers, registered when a handler is first asked for: the app's ready() names
    the module whose register_all() registers them, so a `yibao` command that never asks (help,
    calendar …) does not import every domain's schemas (issue 16: start-up)."""
    with _LOADING:
        if path not in _MODULES:
            _MODULES.append(path)
            _loaded[0] = False


def _load_modules():
    """Run the named modules' register_all() once, under a lock: a second thread asking meanwhile
    waits for every handler instead of seeing the generic one."""
    if _loaded[0]:
        return
    with _LOADING:
        while _MODULES:
            import_module(_MODULES.pop(0)).register_all()
        _loaded[0] = True


def register(code, handler):
    """Register `handler` for item `code`; a code takes one handler only."""
    _load_modules()  # the domains' own first, as when ready() imported them: a test's override comes after
    if code not in BY_CODE:
        raise ImproperlyConfigured(f"未知的事项代码：{code}")
    if code in _REGISTRY and _REGISTRY[code] is not handler:
        raise ImproperlyConfigured(f"事项 {code} 已登记处理模块 {type(_REGISTRY[code]).__name__}")
    if not isinstance(handler, Handler):
        raise ImproperlyConfigured(f"{handler!r} 不是 Handler")
    _REGISTRY[code] = handler


def unregister(code):
    """Remove a registration (tests that register a handler of their own clean up with this)."""
    _load_modules()
    _REGISTRY.pop(code, None)


def handler_for(code):
    _load_modules()
    return _REGISTRY.get(code, _GENERIC)


def flow_problem(item):
    """Why `item`'s flow cannot run on its handler (Chinese), or None when they agree."""
    declared = handler_for(item.code).pays
    if declared is None or declared == item.pays:
        return None
    if declared:
        return f"业务模块按需拨付办理，但该事项流程未设拨付环节（{item.get_flow_source_display()}），请在后台核定"
    return f"该事项流程设有拨付环节（{item.get_flow_source_display()}），但业务模块不办理拨付，请在后台核定"


catalog_flow.add_check(flow_problem)


def status():
    """Every item code with the handler that runs it, whether 办结 changes a register, whether it
    pays (the handler's declaration; null: as the item's flow says), and whether every item of
    that code in force agrees with it (`flow_ok`; `flow_problems` names the ones that do not)."""
    from yibao.catalog.models import Guide, ServiceItem

    in_force = Guide.objects.in_force().exclude(region__is_template=True).values("pk")
    items = ServiceItem.objects.filter(guide_id__in=in_force).select_related("guide__region")
    problems = {}
    for item in items:
        problem = flow_problem(item)
        if problem:
            problems.setdefault(item.code, []).append(f"{item.guide.region.name}：{problem}")
    rows = []
    for c in ITEM_CODES:
        handler = handler_for(c.code)
        rows.append({"code": c.code, "handler": type(handler).__name__, "effect": bool(handler.has_effect),
                     "pays": handler.pays, "flow_ok": c.code not in problems,
                     "flow_problems": problems.get(c.code, [])})
    return rows
