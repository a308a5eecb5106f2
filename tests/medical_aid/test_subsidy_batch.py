"""免申即享 (aid-contribution-subsidy): lists from 民政, 乡村振兴 and 残联 are matched to residents
enrolled and fully paid for the year; each match becomes a system-opened case with one Grant, paid
through orders to the 社会保障卡 account (made, checked and confirmed by three payers through a bank
return file), and completed; a rerun pays nobody twice; the report names each row's outcome."""
import csv
import io
from decimal import Decimal

import pytest

from tests.medical_aid.conftest import DUE, SSC_CARD, W, YEAR, csv_bytes, resident, row, xlsx_bytes
from yibao.cases import actions
from yibao.cases.models import Case
from yibao.cases.states import CaseState
from yibao.medical_aid import batch as aid_batch
from yibao.medical_aid import lists
from yibao.medical_aid.exceptions import ListRejected
from yibao.medical_aid.models import BatchLine, Grant, Outcome, Recognition, SubsidyBatch
from yibao.medical_aid.tasks import run_subsidy_batch
from yibao.payments import actions as payments
from yibao.payments.models import OrderState, PaymentOrder

ITEM = "aid-contribution-subsidy"


@pytest.fixture
def people(panzhihua_regions):
    region = panzhihua_regions
    return {
        "extreme": resident(region, "王特困"),
        "subsistence": resident(region, "李低保"),
        "disabled": resident(region, "赵残疾"),
        "unpaid": resident(region, "钱欠费", paid=Decimal("200.00")),
        "nothing": resident(region, "孙未缴", paid=None),
        "stranger": resident(region, "周未参保", paid=None, enrolled=False),
    }


@pytest.fixture
def panzhihua_regions(regions):
    return regions["panzhihua"]


def lists_of(region, people, staff):
    civil = [row(people["extreme"].person, "特困人员"), row(people["subsistence"].person, "低保"),
             row(people["unpaid"].person, "低保对象"), row(people["stranger"].person, "特困"),
             row(people["extreme"].person, "特困人员"),  # the same person twice in one list
             row(people["nothing"].person, "低保"),
             ["某某", "51040019900101123X", "低保", SSC_CARD, "银行"],  # a bad check digit
             row(people["disabled"].person, "五保户")]  # a word no category has
    disabled = [row(people["disabled"].person, "重度残疾人"),
                row(people["subsistence"].person, "重度残疾人")]  # listed by two sources
    clerk = staff["panzhihua"].clerk
    first, _ = lists.store_list(region, source="民政", period="2026-03", year=YEAR, content=csv_bytes(civil),
                                filename="民政3月.csv", actor=clerk)
    second, _ = lists.store_list(region, source="残联", period="2026-03", year=YEAR, content=xlsx_bytes(disabled),
                                 filename="残联.xlsx", actor=clerk)
    return [first, second]


def pay_through_the_bank(region, team, found):
    """制单 by the maker, 复核 by the checker, a payment batch approved and its return file imported."""
    made, refused = aid_batch.pay_orders(found, team.maker, channel=W)
    orders = list(PaymentOrder.objects.filter(case__in=Grant.objects.filter(batch=found).values("case")))
    for order in orders:
        payments.approve_order(order, team.checker, channel=W)
    bank = orders[0].bank_name
    pb = payments.create_batch(region.pk, account_kind="ssc", bank_name=bank, actor=team.cashier, channel=W)
    payments.approve_batch(pb, team.checker, channel=W)
    payments.export_batch(pb, team.cashier, channel=W, fmt="csv")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["指令号", "账号", "金额", "结果", "银行流水号", "失败原因"])
    for order in orders:
        writer.writerow([order.order_no, order.account_no, str(order.amount), "成功", f"NX{order.pk}", ""])
    payments.import_return(pb, out.getvalue().encode("utf-8-sig"), team.cashier, channel=W, filename="hp.csv")
    return made, refused, orders


def test_a_batch_grants_the_matches_reports_the_others_pays_once_and_completes(panzhihua_regions, people, staff):
    region = panzhihua_regions
    chosen = lists_of(region, people, staff)
    found = aid_batch.create_batch(region, YEAR, chosen, actor=staff["panzhihua"].clerk)
    run_subsidy_batch.enqueue(found.pk)  # the background task (immediate backend in tests)
    found.refresh_from_db()
    assert (found.state, found.total, found.done, found.progress) == ("done", 10, 10, 100)

    outcomes = {(ln.list_row.recipients.source, ln.list_row.row): ln.outcome
                for ln in BatchLine.objects.filter(batch=found).select_related("list_row__recipients")}
    assert outcomes == {
        ("civil", 2): Outcome.GRANTED, ("civil", 3): Outcome.GRANTED, ("civil", 4): Outcome.NOT_PAID,
        ("civil", 5): Outcome.NOT_ENROLLED, ("civil", 6): Outcome.DUPLICATE, ("civil", 7): Outcome.NOT_PAID,
        ("civil", 8): Outcome.BAD_ID, ("civil", 9): Outcome.UNKNOWN_CATEGORY,
        ("disabled", 2): Outcome.GRANTED, ("disabled", 3): Outcome.DUPLICATE,
    }
    # 特困 full, 低保 a fixed 240 (示例参数), 重度残疾 full: the sample parameters
    grants = {g.person_id: g for g in Grant.objects.filter(batch=found)}
    assert grants[people["extreme"].person.pk].amount == DUE
    assert grants[people["subsistence"].person.pk].amount == Decimal("240.00")
    assert grants[people["disabled"].person.pk].amount == DUE
    assert (found.matched, found.amount) == (3, DUE * 2 + Decimal("240.00"))
    report = aid_batch.report(found)
    assert report["counts"] == {"已资助": 3, "未全额缴纳本年度个人缴费": 2, "未参加本年度城乡居民医保": 1,
                                "名单内重复": 2, "证件号码有误": 1, "救助类别无法识别": 1}
    unpaid = next(ln for ln in report["lines"] if ln["outcome"] == "未全额缴纳本年度个人缴费" and "200" in ln["detail"])
    assert unpaid["detail"] == "应缴380.00元，已缴200.00元" and "*" in unpaid["id_number"]  # masked

    # each grant is a system-opened case, accepted, reviewed and approved by the system at its amount
    for grant in grants.values():
        case = grant.case
        assert (case.state, case.channel, case.amount, case.item_code) == (CaseState.APPROVED, "system", grant.amount, ITEM)
        assert case.receipt_no and [e.action for e in case.events.order_by("pk")] == [
            "submit", "accept", "start_review", "approve"]
    assert Recognition.objects.filter(person=people["extreme"].person, year=YEAR, category="extreme").exists()

    team = staff["panzhihua"]
    made, refused, orders = pay_through_the_bank(region, team, found)
    assert (made, refused) == (3, [])
    for order in PaymentOrder.objects.filter(pk__in=[o.pk for o in orders]):
        assert (order.state, order.account_kind, order.account_no) == (OrderState.PAID, "ssc", SSC_CARD)
    assert aid_batch.complete_paid(found) == 3
    case = Grant.objects.get(batch=found, person=people["extreme"].person).case
    case.refresh_from_db()
    assert case.state == CaseState.COMPLETED
    effect = case.events.last().payload["effect"]
    assert effect["effect"] is True and effect["paid"] == str(DUE) and "社会保障卡" in effect["summary"]
    # rated like any case: the person rates it
    evaluation = actions.rate_case(case, people["extreme"].applicant.user, level="very_satisfied", channel="portal")
    assert evaluation.case_id == case.pk

    # the same lists again (a new batch, the same files uploaded again): nobody is paid twice
    again_lists = lists_of(region, people, staff)
    assert again_lists[0].pk == chosen[0].pk  # the same CSV is the same list; the re-saved xlsx is a new one
    again = aid_batch.run_batch(aid_batch.create_batch(region, YEAR, again_lists, actor=team.clerk).pk)
    assert (again.state, again.matched, again.amount) == ("done", 0, 0)
    assert BatchLine.objects.filter(batch=again, outcome=Outcome.ALREADY).count() == 3
    assert Grant.objects.count() == 3 and PaymentOrder.objects.count() == 3
    assert Case.objects.filter(item_code=ITEM).count() == 3
    assert aid_batch.pay_orders(again, team.maker, channel=W) == (0, [])
    # the same batch run again changes nothing either
    assert aid_batch.run_batch(found.pk).matched == 3 and BatchLine.objects.filter(batch=found).count() == 10


def test_a_person_granted_by_one_batch_is_not_granted_again_by_another(panzhihua_regions, people, staff):
    """Two sources' lists run as two batches: the second names the first's case."""
    region = panzhihua_regions
    chosen = lists_of(region, people, staff)
    first = aid_batch.run_batch(aid_batch.create_batch(region, YEAR, chosen[:1], actor=staff["panzhihua"].clerk).pk)
    assert first.matched == 2
    second = aid_batch.run_batch(aid_batch.create_batch(region, YEAR, chosen[1:], actor=staff["panzhihua"].clerk).pk)
    assert second.matched == 1  # 赵残疾 (unknown category on the 民政 list) granted from the 残联 list
    line = BatchLine.objects.get(batch=second, list_row__row=3)
    assert line.outcome == Outcome.ALREADY and Grant.objects.get(person=people["subsistence"].person).case.receipt_no in line.detail


def test_a_name_that_does_not_match_the_register_and_a_bad_card_are_reported(panzhihua_regions, people, staff):
    region = panzhihua_regions
    rows = [row(people["extreme"].person, name="王特因"), row(people["subsistence"].person, card="6217996500001234566")]
    found, _ = lists.store_list(region, source="乡村振兴", period="2026", year=YEAR, content=csv_bytes(rows, "gb18030"),
                                filename="乡村振兴.csv", actor=None)
    done = aid_batch.run_batch(aid_batch.create_batch(region, YEAR, [found], actor=None).pk)
    assert sorted(BatchLine.objects.filter(batch=done).values_list("outcome", flat=True)) == [
        Outcome.NAME_DIFFERS, Outcome.NO_CARD]
    assert done.matched == 0 and not Grant.objects.exists()


def test_bad_lists_are_refused_whole(panzhihua_regions, staff):
    region = panzhihua_regions

    def load(content, source="民政"):
        return lists.store_list(region, source=source, period="2026", year=YEAR, content=content, filename="x",
                                actor=None)

    with pytest.raises(ListRejected, match="为空"):
        load(b"")
    with pytest.raises(ListRejected, match="表头缺少"):
        load("姓名,电话\n张三,1\n".encode())
    with pytest.raises(ListRejected, match="民政、乡村振兴或残联"):
        load(csv_bytes([["张三", "1", "低保", "", ""]]), source="税务")
    with pytest.raises(ListRejected, match="Excel|CSV"):
        load(b"\x00\x01binary" * 10)
    with pytest.raises(ListRejected, match="过大"):
        load(b"a" * (lists.MAX_BYTES + 1))
    # an xlsx declaring an entity (XXE / billion laughs) is refused before openpyxl parses it
    import zipfile

    good = xlsx_bytes([["张三", "510400199001011234", "低保", SSC_CARD, "银行"]])
    bad = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(bad, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + data
            dst.writestr(info, data)
    with pytest.raises(ListRejected, match="实体声明"):
        load(bad.getvalue())
    with pytest.raises(ListRejected, match="不是有效的 Excel"):
        load(b"PK\x03\x04" + b"junk" * 100)
    assert not SubsidyBatch.objects.exists()


def test_a_batch_is_refused_where_the_guide_has_no_such_item_and_for_another_regions_list(regions, people, staff):
    from yibao.medical_aid.exceptions import BatchError

    chosen = lists_of(regions["panzhihua"], people, staff)
    with pytest.raises(BatchError, match="未公布"):
        aid_batch.create_batch(regions["songpan"], YEAR, chosen, actor=None)
    with pytest.raises(BatchError, match="本统筹地区"):
        aid_batch.create_batch(regions["dazhou"], YEAR, chosen, actor=None)
    with pytest.raises(BatchError, match="至少一份"):
        aid_batch.create_batch(regions["panzhihua"], YEAR, [], actor=None)


def test_where_the_guide_has_people_apply_the_clerk_files_it_and_a_second_is_refused(regions, staff):
    """达州's guide (001) publishes the subsidy as a window application: the same handler, the same
    Grant constraint; the applicant must be recognised and fully paid."""
    from tests import domain_support as ds
    from yibao.cases.snapshot import item_in_force
    from yibao.medical_aid import actions as aid
    from yibao.medical_aid.handlers import AlreadyGranted, NotEligible

    region, team = regions["dazhou"], staff["dazhou"]
    item = item_in_force(region, ITEM)
    materials = {k: "document" for k in ds.catalogue_materials(item)}
    data = {"year": YEAR, "category": "subsistence", "source": "civil", "card_account": SSC_CARD,
            "card_bank": "达州银行"}
    r = resident(region, "李低保")
    with pytest.raises(NotEligible, match="尚未认定"):
        actions.submit_case(item=item, applicant=r.applicant, actor=team.clerk, channel=W, materials=materials, data=data)
    aid.recognise(r.person, YEAR, "subsistence", "civil", "低保证2026-5", actor=team.clerk)
    case = actions.submit_case(item=item, applicant=r.applicant, actor=team.clerk, channel=W, materials=materials,
                               data={**data, "amount": "99999", "batch": 1})  # typed figures are ignored
    assert case.data["amount"] == "240.00" and Grant.objects.get(case=case).batch is None
    with pytest.raises(AlreadyGranted, match=case.receipt_no):
        actions.submit_case(item=item, applicant=r.applicant, actor=team.clerk, channel=W, materials=materials,
                            data=data)
    actions.accept_case(case, team.clerk, channel=W)
    actions.start_review(case, team.reviewer, channel=W)
    case = actions.approve_case(case, team.reviewer, channel=W, amount="99999")
    assert case.amount == Decimal("240.00")
    case = actions.pay_case(case, team.maker, channel=W)
    order = payments.approve_order(PaymentOrder.objects.get(case=case), team.checker, channel=W)
    payments.mark_paid(order, team.cashier, channel=W, bank_reference="B-1")
    case = actions.complete_case(case, team.clerk, channel=W)
    assert case.state == CaseState.COMPLETED and order.account_kind == "ssc"
    unpaid = resident(region, "钱欠费", paid=Decimal("100.00"))
    aid.recognise(unpaid.person, YEAR, "subsistence", "civil", "低保证2026-6", actor=team.clerk)
    with pytest.raises(NotEligible, match="未全额缴纳"):
        actions.submit_case(item=item, applicant=unpaid.applicant, actor=team.clerk, channel=W, materials=materials,
                            data=data)


def test_only_a_case_the_system_opened_is_decided_or_completed_by_the_system(regions, staff):
    """The engine's decide_by_system / complete_by_system refuse a case filed by people."""
    from tests import domain_support as ds
    from yibao.cases.exceptions import InvalidTransition
    from yibao.cases.interface import complete_by_system, decide_by_system
    from yibao.cases.snapshot import item_in_force
    from yibao.medical_aid import actions as aid

    region, team = regions["dazhou"], staff["dazhou"]
    r = resident(region, "李低保")
    aid.recognise(r.person, YEAR, "subsistence", "civil", "低保证2026-7", actor=team.clerk)
    item = item_in_force(region, ITEM)
    case = actions.submit_case(item=item, applicant=r.applicant, actor=team.clerk, channel=W,
                               materials={k: "document" for k in ds.catalogue_materials(item)},
                               data={"year": YEAR, "category": "subsistence", "source": "civil",
                                     "card_account": SSC_CARD, "card_bank": "达州银行"})
    actions.accept_case(case, team.clerk, channel=W)
    for step in (decide_by_system, complete_by_system):
        with pytest.raises(InvalidTransition, match="只有系统生成的办件"):
            step(case)
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED and case.amount is None
