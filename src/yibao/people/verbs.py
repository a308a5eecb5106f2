"""The case verbs: one row per verb, the one table that people.policy (who may), the workbench's
case page (its steps and its dispatcher) and the API's office-side routes are built from.

A row says who may take the verb (roles; the admin role always may), which engine function takes
it, what input it takes (`form`: each web layer renders that kind as its own form or request
body), its labels, and its API route. Adding a verb is adding a row (and, for a new kind of input,
one form and one request body). The engine functions are named by dotted path: this layer sits
below the engine and does not import it; tests/people/test_verbs.py checks every path resolves.

Every engine function a row names is called as f(case, user, *, channel, expected_version,
**the input's arguments, **args).
"""
from dataclasses import dataclass

from django.utils.functional import cached_property
from django.utils.module_loading import import_string

from yibao.people.models import Role

ENGINE = "yibao.cases.actions."


@dataclass(frozen=True)
class Verb:
    name: str  # the verb's key; people.policy's action name
    action: str  # the engine's action (cases.states.Action value) the verb takes
    label: str  # in messages (您无权{label})
    roles: frozenset  # who may take it (people.models.Role values)
    engine: str  # dotted path of the engine function
    form: str  # the input: comment, accept, reason, correction, approve, pay, reassign, materials
    button: str = ""  # the workbench's button; default: label
    done: str = ""  # the workbench's message once done; default: 已 + button
    step: str = ""  # the workbench's step key (its URL and form prefix); default: action
    route: str = ""  # API: POST /api/cases/{receipt_no}/<route>; empty: no API route
    summary: str = ""  # API summary; default: button
    description: str = ""  # API description
    permission: str = ""  # the policy action it needs when not its own (recording materials is 受理's)
    args: tuple = ()  # fixed engine arguments, (name, value) pairs

    @property
    def step_key(self):
        return self.step or self.action

    @property
    def button_label(self):
        return self.button or self.label

    @property
    def done_message(self):
        return self.done or f"已{self.button_label}"

    @property
    def needs(self):
        """The policy action checked before the verb is offered or taken."""
        return self.permission or self.name

    @cached_property
    def function(self):
        return import_string(self.engine)

    def run(self, case, user, **kwargs):
        return self.function(case, user, **dict(self.args), **kwargs)


CLERK, REVIEWER, PAYER, SUPERVISOR = Role.CLERK, Role.REVIEWER, Role.PAYER, Role.SUPERVISOR

VERBS = (
    Verb("accept", "accept", "受理", frozenset({CLERK}), ENGINE + "accept_case", "accept", route="accept",
         description="材料齐全（或所缺材料可容缺）时受理，开始计算办理时限；complete=true 即时办结。"),
    Verb("instant", "accept", "受理并当场办结", frozenset({CLERK}), ENGINE + "accept_case", "comment",
         button="受理并当场办结（即时办结）", done="已当场办结", step="instant", permission="accept",
         args=(("complete", True),)),
    Verb("request_correction", "request_correction", "一次性告知补正", frozenset({CLERK}),
         ENGINE + "request_correction", "correction", button="出具一次性告知书", route="request-correction",
         summary="一次性告知补正", description="一次列明全部缺少或有问题的材料、补正方式和期限；未提交的材料自动列入。"),
    Verb("refuse", "refuse", "不予受理", frozenset({CLERK}), ENGINE + "refuse_case", "reason", route="refuse"),
    Verb("review", "start_review", "审核", frozenset({REVIEWER}), ENGINE + "start_review", "comment",
         button="开始审核", route="review"),
    Verb("approve", "approve", "审核通过", frozenset({REVIEWER}), ENGINE + "approve_case", "approve", route="approve"),
    Verb("deny", "deny", "审核不通过", frozenset({REVIEWER}), ENGINE + "deny_case", "reason", route="deny"),
    Verb("pay", "pay", "拨付", frozenset({PAYER}), ENGINE + "pay_case", "pay", button="拨付（生成支付指令）",
         done="已生成支付指令，待复核和银行支付", route="pay"),
    Verb("complete", "complete", "办结", frozenset({CLERK, REVIEWER}), ENGINE + "complete_case", "comment",
         route="complete"),
    Verb("reassign", "reassign", "改派", frozenset({SUPERVISOR}), ENGINE + "reassign_case", "reassign"),
    Verb("resubmit", "resubmit", "登记补正材料", frozenset({CLERK}), ENGINE + "resubmit_case", "materials",
         permission="accept"),
    Verb("supply", "supply", "登记补交材料", frozenset({CLERK}), ENGINE + "supply_materials", "materials",
         permission="accept"),
)
BY_NAME = {verb.name: verb for verb in VERBS}
