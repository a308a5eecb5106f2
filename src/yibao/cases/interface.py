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
  for a case the system opened from an official list, its review and 办结 by the system;
- for the disbursement core (payments): registering itself, 拨付 of a case, the order's result
  reaching its case, and who reviewed a case (the three-person rule).

PDF documents are built with core.pdf.Document (not the engine's): a domain imports it from core.
"""
from django.db import transaction

from yibao.cases import actions as _engine
from yibao.cases.checklist import COMMITMENT, Conditions, materials_when, with_materials
from yibao.cases.exceptions import (
    CaseError,
    DomainCheckFailed,
    InvalidCaseData,
    InvalidTransition,
    ItemNotAvailable,
    PayerIsApprover,
)
from yibao.cases.handlers import Handler, register, register_disburser
from yibao.cases.queries import reviewers_of, reviewers_of_cases
from yibao.cases.receipts import prefix_for
from yibao.cases.snapshot import item_in_force
from yibao.cases.states import Action, CaseState
from yibao.core.models import Channel

__all__ = [
    "COMMITMENT", "Action", "CaseError", "CaseState", "Conditions", "DomainCheckFailed", "Handler",
    "InvalidCaseData", "InvalidTransition", "ItemNotAvailable", "PayerIsApprover", "item_in_force",
    "materials_when", "open_case_as_system", "pay_case", "prefix_for", "record_payment", "record_payments",
    "register", "register_disburser", "reviewers_of", "reviewers_of_cases", "with_materials",
    "decide_by_system", "complete_by_system",
]

# The disbursement core's steps (payments imports them from here, never from the engine's modules).
pay_case = _engine.pay_case
record_payment = _engine.record_payment
record_payments = _engine.record_payments
# A case the system opened from an official list (免申即享) is reviewed and completed by the system.
decide_by_system = _engine.decide_by_system
complete_by_system = _engine.complete_by_system


def open_case_as_system(item, applicant, *, data, conditions=None, comment="", accept_comment=""):
    """The system applies for `item` (item_in_force's answer) on `applicant`'s behalf and accepts
    the case on receipt (its material came with it), so its limit counts from today. Returns the case."""
    with transaction.atomic():
        case = _engine.submit_case(item=item, applicant=applicant, actor=None, channel=Channel.SYSTEM,
                                   conditions=conditions, data=data, comment=comment)
        return _engine.accept_case(case, None, channel=Channel.SYSTEM, comment=accept_comment)
