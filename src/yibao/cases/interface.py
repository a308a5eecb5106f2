"""The case engine's face to the domains. A domain app (enrollment, contributions, accounts,
payments and those to come) imports from the engine only this module; an import-linter contract
holds it to that. What is here:

- the handler base and the registry (a domain registers one Handler per item code in its
  AppConfig.ready()), the verbs and states a handler sees;
- the checks a handler may raise (DomainCheckFailed and its kin), which reach the workbench and
  the API as structured refusals;
- the checklist helpers a handler uses to adjust an item's materials to the case;
- the catalogue item in force for a region, the receipt-number prefix of a region;
- opening a case as the system (a case another case causes, e.g. the in side of a transfer), and
  filing one from a domain's own intake (an employer's 增减 sheet: one case whose data are its rows);
- a message to users (notify: what a register's change tells the person it concerns, R38);
- a 合并申请 (submit_bundle: several cases from one submission, the materials given once counted
  for each; attach_bundle_material: a file given once, kept by each case that lists it) and the
  cases of a case's bundle (bundle_cases);
- for a case the system opened from an official list, its review and 办结 by the system;
- for the disbursement core (payments): registering itself, 拨付 of a case, the order's result
  reaching its case, and who reviewed a case (the three-person rule).

PDF documents are built with core.pdf.Document (not the engine's): a domain imports it from core.
"""
from django.db import transaction

from yibao.cases import actions as _engine
from yibao.cases.checklist import COMMITMENT, Conditions, applies, materials_when, with_materials
from yibao.cases.exceptions import (
    CaseError,
    DomainCheckFailed,
    InvalidCaseData,
    InvalidTransition,
    ItemNotAvailable,
    PayeeNotNamed,
    PayerIsApprover,
)
from yibao.cases.handlers import Handler, register, register_disburser, register_module
from yibao.cases.queries import open_case_with, reviewers_of, reviewers_of_cases
from yibao.cases.receipts import prefix_for
from yibao.cases.snapshot import item_in_force
from yibao.cases.states import Action, CaseState
from yibao.core.models import Channel

__all__ = [
    "COMMITMENT", "Action", "attach_bundle_material", "CaseError", "CaseState", "Conditions", "DomainCheckFailed",
    "Handler", "InvalidCaseData", "InvalidTransition", "ItemNotAvailable", "PayeeNotNamed", "PayerIsApprover",
    "bundle_cases", "item_in_force", "listed_materials", "materials_when", "notify", "open_case_as_system",
    "submit_bundle", "submit_case", "pay_case", "prefix_for", "record_payment", "record_payments",
    "register", "register_disburser", "register_module", "reviewers_of", "reviewers_of_cases", "with_materials",
    "decide_by_system", "complete_by_system", "open_case_with",
]

# The disbursement core's steps (payments imports them from here, never from the engine's modules).
pay_case = _engine.pay_case
record_payment = _engine.record_payment
record_payments = _engine.record_payments
# 申请 from a domain's own intake (the sheet upload): the engine's checks, channel and roles apply as for any case.
submit_case = _engine.submit_case
submit_bundle = _engine.submit_bundle
attach_bundle_material = _engine.attach_bundle_material
# A case the system opened from an official list (免申即享) is reviewed and completed by the system.
decide_by_system = _engine.decide_by_system
complete_by_system = _engine.complete_by_system


def bundle_cases(case):
    """The cases opened with `case` by one 合并申请, `case` included, in receipt order ([] if none)."""
    if not case.bundle_id:
        return []
    return list(type(case).objects.filter(bundle_id=case.bundle_id).order_by("id"))


def open_case_as_system(item, applicant, *, data, conditions=None, comment="", accept_comment="", materials=None):
    """The system applies for `item` (item_in_force's answer) on `applicant`'s behalf and accepts
    the case on receipt (its material came with it: `materials`, keys as submit_case takes them),
    so its limit counts from today. Returns the case."""
    with transaction.atomic():
        case = _engine.submit_case(item=item, applicant=applicant, actor=None, channel=Channel.SYSTEM,
                                   conditions=conditions, data=data, materials=materials, comment=comment)
        return _engine.accept_case(case, None, channel=Channel.SYSTEM, comment=accept_comment)


def listed_materials(item, conditions=None):
    """The keys of the materials `item`'s catalogue entry lists for these conditions (a dict as a
    case's conditions): what a domain's own intake hands in with the case it files."""
    parsed = Conditions.parse(conditions)
    return [str(m.ordinal) for m in item.materials.all() if applies(m.when, parsed)]


def notify(users, case, kind, text):
    """A message (the engine's Notification) to each of `users`, about `case` (or None), written in
    the caller's transaction: a domain tells a person what its register did for them."""
    _engine._notify([u for u in users if u is not None], case, kind, text)

