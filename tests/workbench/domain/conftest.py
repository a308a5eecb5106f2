"""The 17 register items through the workbench pages (Django test client): the shipped guides with
their sample parameters, a team per region (clerk, reviewer and three payers: maker, checker,
cashier), `window` that files an application at 窗口受理 by posting the intake form built from the
handler's schema, and `drive` that takes the case through every step the case page offers,
settling its payment order on the 支付指令 pages on the way (one payer approves, another pays)."""
import pytest
from django.urls import reverse

from tests.domain_support import dazhou, panzhihua, regions, shipped_regions, teams  # noqa: F401 (fixtures)
from yibao.cases.checklist import DOCUMENT, Conditions, applies
from yibao.cases.models import Case
from yibao.cases.queries import is_instant, next_steps
from yibao.cases.snapshot import item_in_force
from yibao.payments.queries import order_for_case

# Who takes each step, in the order a case meets them.
ROLES = {"instant": "clerk", "accept": "clerk", "start_review": "reviewer", "approve": "reviewer", "pay": "maker",
         "complete": "clerk"}


@pytest.fixture(autouse=True)
def generic_handlers():
    """Overrides the workbench tests' GenericHandler swap: these tests need the domains' handlers."""
    yield


@pytest.fixture
def window(client, teams):
    """window(region, applicant, code, conditions=..., fields={form field: value}, all_materials=False,
    files=...): the clerk's intake form posted; returns the receipt number."""

    def _window(region, applicant, code, *, conditions=None, fields=None, all_materials=False, files=None):
        conditions = conditions or {}
        item = item_in_force(region, code)
        client.force_login(teams[region.code].clerk)
        page = client.get(reverse("workbench:intake"), {"item": item.pk})
        assert page.status_code == 200 and "申请信息（JSON）" not in page.content.decode()
        parsed = Conditions.parse(conditions)
        body = {"item": item.pk, "id_type": applicant.id_type, "id_number": applicant.id_number,
                "applicant_kind": conditions.get("applicant_kind", ""), "sub_type": conditions.get("sub_type", ""),
                **{f"m_{m.ordinal}": DOCUMENT for m in item.materials.all() if all_materials or applies(m.when, parsed)},
                **(fields or {}), **(files or {})}
        response = client.post(reverse("workbench:intake"), body)
        assert response.status_code == 302, _errors(response)
        return Case.objects.order_by("-id").values_list("receipt_no", flat=True).first()

    return _window


def _errors(response):
    text = response.content.decode()
    start = text.find("error")
    return text[start - 200:start + 800]


@pytest.fixture
def drive(client, teams):
    """drive(receipt): every step the case offers, by the staff member whose role it is, through
    the case page's forms; at 拨付 the order is settled on the payment pages. Returns (case, steps)."""

    def _drive(receipt):
        taken = []
        for _ in range(8):
            case = Case.objects.get(receipt_no=receipt)
            if case.state == "completed":
                return case, taken
            team = teams[case.region.code]
            offered = [str(s) for s in next_steps(case)]
            step = "instant" if "accept" in offered and is_instant(case) else next(s for s in ROLES if s in offered)
            client.force_login(getattr(team, ROLES[step]))
            page = client.get(reverse("workbench:case", args=[receipt]))
            assert f'action="{reverse("workbench:case_step", args=[receipt, step])}"' in page.content.decode()
            response = client.post(reverse("workbench:case_step", args=[receipt, step]),
                                   {f"{step}-version": case.version})
            assert response.status_code == 302, _errors(response)
            taken.append(step)
            if step == "pay":
                settle(client, team, case)
        raise AssertionError(f"办件{receipt}未能办结：{case.state}")

    return _drive


def settle(client, team, case):
    """复核 by the checker, 确认支付 by the cashier, each from the 支付指令 queue page."""
    order = order_for_case(case)
    client.force_login(team.checker)
    assert order.order_no in client.get(reverse("workbench:orders")).content.decode()
    client.post(reverse("workbench:order_step", args=[order.order_no, "approve"]), {})
    client.force_login(team.cashier)
    client.post(reverse("workbench:order_step", args=[order.order_no, "pay"]),
                {"pay-bank_reference": f"BANK-{case.receipt_no}"})
    order.refresh_from_db()
    assert order.state == "paid", order.state
    return order
