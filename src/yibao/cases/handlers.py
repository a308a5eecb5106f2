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
"""
from django.core.exceptions import ImproperlyConfigured
from pydantic import BaseModel, ValidationError

from yibao.cases.exceptions import InvalidCaseData, PaymentAmountRequired
from yibao.catalog.codes import BY_CODE, ITEM_CODES
from yibao.core.money import MoneyError, yuan


class Handler:
    """Base handler: override what the item needs. Every hook runs inside the action's transaction."""

    label = "通用办理"
    schema: type[BaseModel] | None = None  # the case data; None accepts any JSON object
    has_effect = False  # does 办结 change a register?

    def validate_data(self, data, conditions):
        """The case data as stored; InvalidCaseData when it does not fit the schema."""
        data = data or {}
        if not isinstance(data, dict):
            raise InvalidCaseData("申请信息格式不正确", errors=[{"field": "", "message": "应为键值对象"}])
        if self.schema is None:
            return data
        try:
            return self.schema.model_validate(data).model_dump(mode="json")
        except ValidationError as exc:
            errors = [
                {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
            ]
            fields = "、".join(e["field"] for e in errors if e["field"]) or "申请信息"
            raise InvalidCaseData(f"申请信息不符合要求：{fields}", errors=errors) from None

    def materials(self, entries, case):
        """Adjust the checklist the catalogue gives for this case (drop, add, relax)."""
        return entries

    def check(self, case, action, actor):
        """Domain rules before `action` (an Action value); raise DomainCheckFailed to refuse. Told
        of every step, including 不予受理 and 撤回, so a handler may release what it reserved."""

    def on_complete(self, case, actor):
        """The effect of 办结 on the registers. Returns a summary (plain data) for the event."""
        return {}

    def on_pay(self, case, actor, channel):
        """At 拨付, after the checks: start the disbursement (e.g. a payment order). Returns a
        summary (plain data) for the event."""
        return {}

    def amount(self, case):
        """For payment items, the amount to pay (Decimal), or None to take the reviewer's figure."""
        return None

    def approved_amount(self, case, given):
        """The amount fixed at approval: the handler's own, else the reviewer's."""
        own = self.amount(case)
        if own is not None:
            return yuan(own)
        if given in (None, ""):
            raise PaymentAmountRequired("需拨付的事项审核通过时须核定金额")
        try:
            return yuan(given)
        except MoneyError as exc:
            raise PaymentAmountRequired(str(exc)) from None


class GenericHandler(Handler):
    """Records and completes the case; no register changes. Used until a domain handler lands."""

    label = "通用办理（无登记簿变更）"

    def on_complete(self, case, actor):
        return {"effect": False, "note": "该事项尚无业务处理模块，办结不变更登记簿"}


_REGISTRY = {}
_GENERIC = GenericHandler()


def register(code, handler):
    """Register `handler` for item `code`; a code takes one handler only."""
    if code not in BY_CODE:
        raise ImproperlyConfigured(f"未知的事项代码：{code}")
    if code in _REGISTRY and _REGISTRY[code] is not handler:
        raise ImproperlyConfigured(f"事项 {code} 已登记处理模块 {type(_REGISTRY[code]).__name__}")
    if not isinstance(handler, Handler):
        raise ImproperlyConfigured(f"{handler!r} 不是 Handler")
    _REGISTRY[code] = handler


def unregister(code):
    """Remove a registration (tests that register a handler of their own clean up with this)."""
    _REGISTRY.pop(code, None)


def handler_for(code):
    return _REGISTRY.get(code, _GENERIC)


def status():
    """Every item code with the handler that runs it and whether 办结 changes a register."""
    return [
        {"code": c.code, "handler": type(handler_for(c.code)).__name__, "effect": bool(handler_for(c.code).has_effect)}
        for c in ITEM_CODES
    ]
