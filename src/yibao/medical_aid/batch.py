"""免申即享: a batch matches recipient lists to the registers and grants the contribution subsidy.

For each row of the batch's lists, in (list, row) order:
- the ID is checked, the category recognised, the 社会保障卡 account checked (Luhn);
- a person listed twice (in one list or across lists) is granted on the first row only (名单内重复);
- the person must be enrolled in the resident scheme of the region (open enrolment) and have paid
  the year's personal contribution in full (contributions register); the name must agree;
- the subsidy is the category's parameter: the whole personal contribution (全额) or a fixed sum
  (定额, never more than the contribution).
A matched person gets, in one transaction: the case the system opens and accepts (with its receipt,
rated like any case), the Grant (one per person and year: a database constraint — a rerun, a second
batch or a race cannot grant twice), the system's review and approval at that amount, and the row's
BatchLine (one per batch and row: a constraint — a batch killed midway and run again resumes, and
reports each row once). Payment then goes the ordinary way: a payer makes the orders (pay_orders),
a second approves them, the cashier sends them in a payment batch to the bank; once an order is
paid, complete_paid closes the case.
"""
import uuid

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from yibao.cases.interface import (
    CaseError,
    CaseState,
    ItemNotAvailable,
    complete_by_system,
    decide_by_system,
    item_in_force,
    open_case_as_system,
    pay_case,
)
from yibao.contributions.models import ResidentContribution
from yibao.core.audit import acting_user, record
from yibao.core.models import Channel
from yibao.core.money import yuan
from yibao.enrollment.models import OPEN_STATUSES, Enrollment, Person, Scheme
from yibao.medical_aid.exceptions import BatchError
from yibao.medical_aid.handlers import AlreadyGranted
from yibao.medical_aid.parameters import parameters_for, subsidy
from yibao.medical_aid.models import (
    BatchLine,
    BatchState,
    Grant,
    ListRow,
    Outcome,
    Recognition,
    SubsidyBatch,
)
from yibao.payments.actions import clean_account
from yibao.payments.exceptions import InvalidPayee
from yibao.payments.models import AccountKind
from yibao.people.identity import InvalidIdentity, validate_id
from yibao.people.models import Applicant, ApplicantKind, IdType

ITEM = "aid-contribution-subsidy"
CHUNK = 2000


def create_batch(region, year, lists, *, actor, channel=Channel.WINDOW):
    """A queued batch over `lists` (RecipientList rows of `region`)."""
    lists = list(lists)
    try:
        item_in_force(region, ITEM)
    except ItemNotAvailable:
        raise BatchError(f"{region.name}现行办事指南未公布资助参保事项，不能运行免申即享批次") from None
    if not lists:
        raise BatchError("请选择至少一份救助对象名单", field="lists")
    if any(rl.region_id != region.pk for rl in lists):
        raise BatchError("名单须属于本统筹地区", field="lists")
    with transaction.atomic():
        batch = SubsidyBatch.objects.create(region=region, year=int(year), started_by=acting_user(actor),
                                            total=sum(rl.row_count for rl in lists))
        batch.lists.set(lists)
        record(actor=acting_user(actor), channel=channel, action="创建免申即享批次", obj=batch,
               summary=f"{region.name} {year}年 名单{len(lists)}份 {batch.total}行")
    return batch


def _rows(batch):
    return (ListRow.objects.filter(recipients__in=batch.lists.all())
            .select_related("recipients").order_by("recipients_id", "row"))


def classify(batch, rows, seen, context):
    """(row, outcome, detail, match) for `rows` (one chunk), `seen` the ID numbers already met in
    the batch. `match` is (person id, contribution due, parameters) for rows to grant. Plain values,
    not model instances, are read: a 100,000-name list is matched against a million residents."""
    ids = {r.id_number for r in rows}
    persons = {n: (pk, name) for n, pk, name in Person.objects.filter(id_number__in=ids).values_list(
        "id_number", "pk", "name")}
    pids = [pk for pk, _ in persons.values()]
    # by person only (the person index); region, scheme and status are read here, so the planner
    # never prefers the (region, scheme, status) index and walks the region's million enrolments
    enrolled = {p for p, scheme, status, region in Enrollment.objects.filter(person_id__in=pids).values_list(
        "person_id", "scheme", "status", "region_id")
        if scheme == Scheme.RESIDENT and status in OPEN_STATUSES and region == batch.region_id}
    contributions = {p: (due, paid) for p, due, paid in ResidentContribution.objects.filter(
        person_id__in=pids, year=batch.year).values_list("person_id", "due", "paid")}
    labels = context.setdefault("labels", {})
    granted = dict(Grant.objects.filter(person_id__in=pids, year=batch.year).values_list("person_id", "case__receipt_no"))
    out = []
    for r in rows:
        key = r.id_number
        if key not in persons:  # a registered number was checked at registration
            try:
                key = validate_id(IdType.RESIDENT_ID, r.id_number)
            except InvalidIdentity as exc:
                out.append((r, Outcome.BAD_ID, str(exc)[:300], None))
                continue
        if not r.category:  # before the duplicate check: a later row with a known category still counts
            out.append((r, Outcome.UNKNOWN_CATEGORY, f"“{r.category_text}”不是可识别的救助类别", None))
            continue
        if key in seen:
            out.append((r, Outcome.DUPLICATE, f"与{seen[key]}行重复", None))
            continue
        if r.recipients_id not in labels:
            labels[r.recipients_id] = f"{r.recipients.get_source_display()}{r.recipients.period}名单"
        seen[key] = f"{labels[r.recipients_id]}第{r.row}"
        person, name = persons.get(key, (None, ""))
        if person is None or person not in enrolled:
            out.append((r, Outcome.NOT_ENROLLED, f"未在{batch.region.name}参加{batch.year}年度城乡居民医保", None))
            continue
        if "".join(name.split()) != "".join(r.name.split()):
            out.append((r, Outcome.NAME_DIFFERS, "名单姓名与参保登记不一致", None))
            continue
        due, paid = contributions.get(person, (None, None))
        if due is None or paid < due:
            detail = "未缴费" if due is None else f"应缴{due}元，已缴{paid}元"
            out.append((r, Outcome.NOT_PAID, detail, None))
            continue
        if person in granted:
            out.append((r, Outcome.ALREADY, f"本年度已资助（办件{granted[person] or '—'}）", None))
            continue
        parameters = context["parameters"].get(r.category)
        if parameters is None:
            out.append((r, Outcome.NO_PARAMETERS, f"{r.get_category_display()}未设置资助参数", None))
            continue
        try:
            clean_account(AccountKind.SOCIAL_SECURITY_CARD, r.card_account)
        except InvalidPayee as exc:
            out.append((r, Outcome.NO_CARD, exc.message[:300], None))
            continue
        out.append((r, Outcome.GRANTED, "", (person, due, parameters)))
    return out


def applicant_for(person):
    """The person's public account; the system opens one (no password: set at a window or by the
    reset procedure) for a listed resident who never registered. Unique by ID number (a constraint)."""
    found = Applicant.objects.filter(id_number=person.id_number).first()
    if found:
        return found
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(f"applicant-{uuid.uuid4().hex[:12]}", password=None)
            applicant = Applicant.objects.create(user=user, kind=ApplicantKind.PERSON, id_type=person.id_type,
                                                 id_number=person.id_number, name=person.name,
                                                 phone=person.phone or "", region=person.region)
            record(actor=None, channel=Channel.SYSTEM, action="开设账户", obj=applicant,
                   summary=f"免申即享为{applicant}开设账户（未设密码）")
            return applicant
    except IntegrityError:
        return Applicant.objects.get(id_number=person.id_number)


def _grant(batch, item, row, match):
    """One matched row, all or nothing: the case (whose submission takes the Grant under its
    constraint), the system's approval, the recognition, the row's line. Returns the BatchLine."""
    person_id, due, parameters = match
    amount, basis = subsidy(parameters, due)
    source = row.recipients
    try:
        with transaction.atomic():
            person = Person.objects.get(pk=person_id)
            applicant = applicant_for(person)
            case = open_case_as_system(
                item, applicant,
                data={"year": batch.year, "category": row.category, "source": source.source, "list": source.period,
                      "amount": str(yuan(amount)), "basis": basis, "card_account": row.card_account,
                      "card_bank": row.card_bank or "社会保障卡开户银行", "batch": batch.pk},
                comment=f"免申即享：{source.get_source_display()}{source.period}名单第{row.row}行",
                accept_comment="根据部门提供的医疗救助对象名单受理（救助对象免申请）")
            decide_by_system(case, comment=f"资助参保资格和个人缴费情况审核通过：{basis}")
            Recognition.objects.get_or_create(
                person=person, year=batch.year,
                defaults={"category": row.category, "source": source.source,
                          "reference": f"{source.get_source_display()}{source.period}名单"})
            grant = Grant.objects.get(case=case)
            return BatchLine.objects.create(batch=batch, list_row=row, outcome=Outcome.GRANTED, grant=grant,
                                            detail=f"{grant.amount}元，办件{case.receipt_no}")
    except AlreadyGranted as exc:  # the Grant constraint: another batch, a window case or a race was first
        return _line(batch, row, Outcome.ALREADY, exc.message[:300])
    except IntegrityError:  # this row's line exists: a concurrent run of the same batch wrote it
        return None


def _line(batch, row, outcome, detail):
    try:
        with transaction.atomic():
            return BatchLine.objects.create(batch=batch, list_row=row, outcome=outcome, detail=detail)
    except IntegrityError:
        return None


def run_batch(batch_id, *, grant=True, progress=None):
    """Run (or resume) the batch. `grant=False` only classifies (the benchmark's match). Returns the batch."""
    batch = SubsidyBatch.objects.select_related("region").get(pk=batch_id)
    if batch.state == BatchState.DONE:
        return batch
    SubsidyBatch.objects.filter(pk=batch.pk).update(state=BatchState.RUNNING, started_at=timezone.now(), error="")
    try:
        item = item_in_force(batch.region, ITEM)
        context = {"parameters": parameters_for(batch.region, batch.year), "lists": list(batch.lists.all())}
        done_rows = set(BatchLine.objects.filter(batch=batch).values_list("list_row_id", flat=True))
        seen = {}
        rows = list(_rows(batch))
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            outcomes = classify(batch, chunk, seen, context)
            plain = [BatchLine(batch=batch, list_row=r, outcome=o, detail=d)
                     for r, o, d, m in outcomes if m is None and r.pk not in done_rows]
            if grant:
                BatchLine.objects.bulk_create(plain, ignore_conflicts=True)  # the constraint keeps one per row
                granted = 0
                for r, o, d, m in outcomes:
                    if m is not None and r.pk not in done_rows:
                        _grant(batch, item, r, m)
                        granted += 1
                        if granted % 100 == 0:  # each grant is a whole case: show progress within the chunk
                            _progress(batch)
                _progress(batch)
            if progress:
                progress(min(start + CHUNK, len(rows)), len(rows))
        if grant:
            _progress(batch, finished=True)
    except Exception as exc:
        SubsidyBatch.objects.filter(pk=batch.pk).update(state=BatchState.FAILED, error=str(exc)[:500])
        raise
    batch.refresh_from_db()
    return batch


def _progress(batch, finished=False):
    lines = BatchLine.objects.filter(batch=batch)
    granted = Grant.objects.filter(batch=batch)
    fields = {"done": lines.count(), "matched": granted.count(),
              "amount": granted.aggregate(s=Sum("amount"))["s"] or 0}
    if finished:
        fields.update(state=BatchState.DONE, finished_at=timezone.now())
    SubsidyBatch.objects.filter(pk=batch.pk).update(**fields)


def report(batch):
    """The batch's report: counts by outcome and every row with its outcome and reason."""
    counts = dict(BatchLine.objects.filter(batch=batch).values_list("outcome").annotate(n=Count("id")))
    lines = (BatchLine.objects.filter(batch=batch).select_related("list_row__recipients", "grant__case")
             .order_by("list_row__recipients_id", "list_row__row"))
    return {
        "batch": batch.pk, "region": batch.region.name, "year": batch.year, "state": batch.get_state_display(),
        "total": batch.total, "done": batch.done, "matched": batch.matched, "amount": str(yuan(batch.amount)),
        "counts": {Outcome(k).label: v for k, v in counts.items()},
        "lines": [{"list": f"{ln.list_row.recipients.get_source_display()}{ln.list_row.recipients.period}",
                   "row": ln.list_row.row, "name": ln.list_row.masked_name, "id_number": ln.list_row.masked_id,
                   "category": ln.list_row.category_text, "outcome": ln.get_outcome_display(), "detail": ln.detail,
                   "receipt_no": ln.grant.case.receipt_no if ln.grant_id and ln.grant.case_id else ""}
                  for ln in lines],
    }


def pay_orders(batch, actor, *, channel=Channel.WINDOW):
    """制单: the payer makes the payment order of every approved case of the batch (the 社会保障卡
    account the list gave). Each case is its own transaction; a case already paying is skipped
    (the payments core refuses a second live order). Returns (made, refused [(receipt, message)])."""
    made, refused = 0, []
    for grant in Grant.objects.filter(batch=batch, case__state=CaseState.APPROVED).select_related("case"):
        try:
            pay_case(grant.case, actor, channel=channel, comment="免申即享批次制单")
            made += 1
        except CaseError as exc:
            refused.append((grant.case.receipt_no, str(exc)))
    return made, refused


def complete_paid(batch):
    """办结 by the system of every case of the batch whose payment is recorded (已拨付)."""
    done = 0
    for grant in Grant.objects.filter(batch=batch, case__state=CaseState.PAID).select_related("case"):
        complete_by_system(grant.case, comment="资助参保补贴已划入社会保障卡金融账户")
        done += 1
    return done
