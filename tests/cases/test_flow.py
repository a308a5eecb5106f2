"""An item's flow is data: derived at import, shown and corrected in the admin (recorded), frozen
into the case, agreed with the handler. Every paying item reaches 已拨付 and 办结 only through a
paid order, on any handler."""
import json

import pytest
from django.core.management import call_command

from tests.cases import factories as f
from yibao.cases import actions, handlers
from yibao.cases.exceptions import InvalidTransition, ItemNotAvailable
from yibao.catalog.flow import PAYING_CODES, FlowSource, derive
from yibao.catalog.models import Guide, ServiceItem
from yibao.core.models import AuditEntry, Channel
from yibao.payments import actions as payments

W = Channel.WINDOW


def test_derivation_from_stages_and_the_explicit_default_without_them():
    assert derive("account-withdrawal", ["申请", "受理", "审核", "拨付", "办结"]) == (True, True, FlowSource.STAGES)
    assert derive("phone-change", ["申请", "受理", "办结"]) == (False, False, FlowSource.STAGES)
    assert derive("account-withdrawal", []) == (True, True, FlowSource.DEFAULT)  # 000 publishes no stages
    assert derive("unit-enrollment", []) == (True, False, FlowSource.DEFAULT)


def test_the_shipped_guides_carry_their_flow(seeded_catalog):
    skeleton = Guide.objects.get(source__startswith="000")
    withdrawal = skeleton.items.get(code="account-withdrawal")
    assert not withdrawal.stages.exists()
    assert (withdrawal.has_review, withdrawal.pays, withdrawal.flow_source) == (True, True, "default")
    full = Guide.objects.get(source__startswith="001").items.get(code="account-withdrawal")
    assert (full.has_review, full.pays, full.flow_source) == (True, True, "stages")


def test_the_flow_is_frozen_and_no_wording_is_read_later(city, submit, clerk, reviewer, payer):
    item = f.item(city, "inpatient-reimbursement", stages=["申请", "受理", "审核", "办结"])  # publishes no 拨付
    assert item.pays is False
    ServiceItem.objects.filter(pk=item.pk).update(pays=True, flow_source=FlowSource.ADMIN)  # corrected
    item.refresh_from_db()
    case = submit(item)
    assert case.snapshot["flow"] == {"review": True, "pays": True, "source": "admin"}
    ServiceItem.objects.filter(pk=item.pk).update(pays=False)  # a later change never reaches an open case
    case = actions.approve_case(actions.start_review(actions.accept_case(case, clerk, channel=W), reviewer,
                                                     channel=W), reviewer, channel=W, amount="10")
    with pytest.raises(InvalidTransition, match="须支付成功"):
        actions.complete_case(case, clerk, channel=W)


@pytest.mark.parametrize("code", sorted(PAYING_CODES))
def test_every_paying_code_on_the_generic_handler_needs_a_paid_order(code, city, submit, clerk, reviewer, payer):
    with handlers_as_generic(code):
        case = submit(f.item(city, code, stages=f.PAYMENT))
        case = actions.accept_case(case, clerk, channel=W)
        case = actions.approve_case(actions.start_review(case, reviewer, channel=W), reviewer, channel=W,
                                    amount="8000.00")
        for state in ("approved",):
            with pytest.raises(InvalidTransition):
                actions.complete_case(case, clerk, channel=W)
        case = actions.pay_case(case, payer, channel=W, payee=f.PAYEE)
        with pytest.raises(InvalidTransition):
            actions.complete_case(case, clerk, channel=W)
        order = case.payment_orders.get()
        payments.approve_order(order, f.staff(city, "payer"), channel=W)
        payments.mark_failed(order, f.staff(city, "payer"), channel=W, reason="户名不符")
        case.refresh_from_db()
        assert case.state == "approved"  # waits for a re-issued order
        with pytest.raises(InvalidTransition):
            actions.complete_case(case, clerk, channel=W)
        case, again = f.pay_in_full(case, payer)
        assert again.reissue_of == order and case.state == "paid"
        assert actions.complete_case(case, clerk, channel=W).state == "completed"
        assert case.payment_orders.filter(state="paid").count() == 1


def handlers_as_generic(code):
    from tests.handlers import on_generic_handler

    return on_generic_handler(code)


class NeverPays(handlers.Handler):
    pays = False


def test_a_flow_that_disagrees_with_its_handler_is_reported_and_takes_no_case(city, submit, capsys):
    item = f.item(city, "maternity-allowance", stages=f.PAYMENT)
    handlers.register("maternity-allowance", NeverPays())
    try:
        call_command("items", "status", "--format", "json")
        row = next(r for r in json.loads(capsys.readouterr().out) if r["code"] == "maternity-allowance")
        assert row["pays"] is False and row["flow_ok"] is False and "不办理拨付" in row["flow_problems"][0]
        with pytest.raises(ItemNotAvailable, match="暂不能受理"):
            submit(item)
    finally:
        handlers.unregister("maternity-allowance")


def test_the_admin_shows_and_corrects_the_flow_with_a_record(city, admin_client):
    item = f.item(city, "inpatient-reimbursement", stages=["申请", "受理", "审核", "办结"])
    page = admin_client.get(f"/admin/catalog/serviceitem/{item.pk}/change/")
    assert page.status_code == 200 and "有拨付环节" in page.content.decode()
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, (list, dict))}
    data.update({"guide": item.guide_id, "notes": "[]", "missing_fields": "[]", "warnings": "[]", "fields": "{}",
                 "pays": "on", "has_review": "on"})
    for inline in page.context["inline_admin_formsets"]:  # the inlines as the page rendered them
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        for sub in formset.forms:
            data[f"{sub.prefix}-id"] = sub.instance.pk
            for name in sub.fields:
                value = sub.initial.get(name)
                if value is not None and name != "id" and not isinstance(value, (list, dict)):
                    data[f"{sub.prefix}-{name}"] = value.pk if hasattr(value, "pk") else value
                elif isinstance(value, (list, dict)):
                    data[f"{sub.prefix}-{name}"] = json.dumps(value, ensure_ascii=False)
    response = admin_client.post(f"/admin/catalog/serviceitem/{item.pk}/change/", data)
    assert response.status_code == 302, (response.context["adminform"].form.errors, [fs.formset.errors for fs in response.context["inline_admin_formsets"]], [fs.formset.non_form_errors() for fs in response.context["inline_admin_formsets"]])
    item.refresh_from_db()
    assert (item.pays, item.flow_source) == (True, "admin")
    entry = AuditEntry.objects.filter(object_type="catalog.serviceitem", object_id=str(item.pk)).latest("id")
    assert entry.changes["pays"] == [False, True] and entry.changes["flow_source"] == ["stages", "admin"]
