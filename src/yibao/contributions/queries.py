"""Reading the registers: the record of a person or an employer as plain data (JSON-able: dates
as ISO text, money as text), for the screen, the PDF, a 参保凭证 and the API. Personal data is
masked where the reader does not need the full value (ID and bank numbers, phones)."""
from django.db.models import Count, F, FilteredRelation, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from yibao.contributions.models import (
    Assessment,
    AssessmentState,
    ContributionBase,
    ContributionPeriod,
    CredentialStatus,
    NoticeKind,
    NoticeState,
    PaymentNotice,
    PeriodSource,
    mask_credential_number,
    summarise_contributions,
)
from yibao.core.masking import mask_bank_account, mask_id_number, mask_phone
from yibao.core.money import yuan
from yibao.core.compiled import CompiledQuery
from yibao.enrollment.models import OPEN_STATUSES, ChangeKind, Enrollment, EnrollmentStatus, Person, Scheme
from yibao.remote_care import queries as remote_care

RECENT_MONTHS = 12
ROSTER_LIMIT = 500


def _iso(value):
    return value.isoformat() if value else ""


def _notice(n):
    return {"number": n.number, "kind": n.get_kind_display(), "period_from": _iso(n.period_from),
            "period_to": _iso(n.period_to), "total": str(n.total), "issued_on": _iso(n.issued_on),
            "due_on": _iso(n.due_on), "state": n.get_state_display(), "parameters_label": n.parameters_label}


def _enrollment(e):
    return {"scheme": e.get_scheme_display(), "scheme_code": e.scheme, "category": e.category,
            "employer": e.employer.name if e.employer_id else "", "region": e.region.name,
            "status": e.get_status_display(), "status_code": e.status, "open": e.is_open,
            "start_on": _iso(e.start_on), "end_on": _iso(e.end_on), "history": e.history}


# ---------------------------------------------------------------- a person's record, compiled
# Each read of the record is compiled once per database (core.compiled): the ORM's building of
# these small queries cost many times what the database spends answering them. A compiled query
# takes no literal, so the constants it compares with are parameters too (CONSTANTS).

# The recorded sources of contribution time in the order a grouped read gave them (by code).
PERIOD_SOURCES = sorted(PeriodSource.values)
SUBJECT_CONSTANTS = {"active": CredentialStatus.ACTIVE, "paid": AssessmentState.PAID, "employee": Scheme.EMPLOYEE,
                     **{f"source_{source}": source for source in PERIOD_SOURCES}}
CONSTANTS = {**SUBJECT_CONSTANTS, "cancelled": AssessmentState.CANCELLED, "issued": NoticeState.ISSUED}
CHANGE_KINDS = dict(ChangeKind.choices)
STATUSES = dict(EnrollmentStatus.choices)


def _subject(key, sample_key):
    """The person by `key` (id_number or pk) with the region and what the record's heading adds:
    the active e-credential (at most one, a constraint) and the contribution time (contributions.
    models.contribution_summary's parts): the months paid here, the months recorded per source."""
    def build(alias):
        sample = {key: sample_key, **{name: f"\x00{name}" for name in SUBJECT_CONSTANTS}}
        paid = (Assessment.objects.using(alias).filter(person=OuterRef("pk"), state=sample["paid"]).order_by()
                .values("person").annotate(n=Count("month", distinct=True)).values("n"))
        recorded = {
            f"months_{source}": Subquery(
                ContributionPeriod.objects.using(alias)
                .filter(person=OuterRef("pk"), scheme=sample["employee"], source=sample[f"source_{source}"])
                .order_by().values("person").annotate(m=Sum("months")).values("m"))
            for source in PERIOD_SOURCES}
        active = FilteredRelation("e_credentials", condition=Q(e_credentials__status=sample["active"]))
        people = (Person.objects.using(alias).select_related("region").annotate(credential=active)
                  .annotate(credential_number=F("credential__number"),
                            credential_activated_at=F("credential__activated_at"), paid_months=Subquery(paid),
                            **recorded))
        return people.filter(**{key: sample[key]}).order_by()[:1], sample

    return CompiledQuery(Person, build)


def _enrollments(alias):
    # One row per change (or one for an enrolment without any): the enrolments and their history
    # in one read.
    sample = {"person_id": -7}
    changes = {"change_id": F("changes__id"), "change_kind": F("changes__kind"), "change_on": F("changes__on"),
               "change_from": F("changes__from_status"), "change_to": F("changes__to_status"),
               "change_reason": F("changes__reason")}
    enrollments = Enrollment.objects.using(alias).filter(**sample).select_related("employer", "region")
    return enrollments.annotate(**changes).order_by("-start_on", "-id", "change_on", "change_id"), sample


def _recent(alias):
    sample = {"person_id": -7, "cancelled": "\x00cancelled"}
    assessments = Assessment.objects.using(alias).filter(person_id=sample["person_id"])
    return (assessments.exclude(state=sample["cancelled"]).select_related("employer").order_by("-month")[:RECENT_MONTHS],
            sample)


def _unpaid(alias):
    sample = {"person_id": -7, "issued": "\x00issued"}
    notices = PaymentNotice.objects.using(alias).filter(person_id=sample["person_id"], state=sample["issued"])
    return notices.order_by("due_on", "id"), sample


READS = {"id_number": _subject("id_number", "\x00id_number"), "pk": _subject("pk", -7),
         "enrollments": CompiledQuery(Enrollment, _enrollments), "recent": CompiledQuery(Assessment, _recent), "unpaid": CompiledQuery(PaymentNotice, _unpaid)}


def record_subject(*, id_number=None, pk=None):
    """The person a record is about, by (normalised) ID number or pk, read with what the record's
    heading needs (region, e-credential, contribution time): one query. None if not registered."""
    key, value = ("id_number", id_number) if id_number is not None else ("pk", pk)
    found = READS[key].objects(**{key: value}, **SUBJECT_CONSTANTS)
    return found[0] if found else None


def enrollments_of(person):
    """The person's enrolments as their record shows them (newest first, employer and region
    attached, `history` the list of changes as the record shows them), in one query: a reader that
    first checks who may see the record (by the enrolments' regions) passes them on to
    person_record rather than reading them twice."""
    out = {}
    for row in READS["enrollments"].objects(person_id=person.pk):
        enrollment = out.setdefault(row.pk, row)
        if enrollment is row:
            row.history = []
        if row.change_id is not None:
            enrollment.history.append({
                "kind": CHANGE_KINDS.get(row.change_kind, row.change_kind), "on": _iso(row.change_on),
                "from": STATUSES.get(row.change_from, row.change_from), "to": STATUSES.get(row.change_to, row.change_to),
                "reason": row.change_reason})
    return list(out.values())


def person_record(person, enrollments=None):
    """参保人员参保信息: particulars, enrolments with their history, contribution time, the
    last months assessed, unpaid notices, the e-credential, the remote-care filings in force today.
    `person`: best read by record_subject (else it is read again that way); `enrollments`: what
    enrollments_of gave for the person, if the caller has it."""
    if not hasattr(person, "paid_months"):  # a Person read some other way
        person = record_subject(pk=person.pk)
    if enrollments is None:
        enrollments = enrollments_of(person)
    periods = [(source, months) for source in PERIOD_SOURCES if (months := getattr(person, f"months_{source}"))]
    recent = READS["recent"].objects(person_id=person.pk, cancelled=CONSTANTS["cancelled"])
    unpaid = READS["unpaid"].objects(person_id=person.pk, issued=CONSTANTS["issued"])
    return {
        "kind": "person",
        "person": {
            "name": person.name, "id_type": person.get_id_type_display(), "id_number": mask_id_number(person.id_number),
            "sex": person.get_sex_display(), "birth_date": _iso(person.birth_date), "phone": mask_phone(person.phone),
            "status": person.get_status_display(), "region": person.region.name,
        },
        "enrollments": [_enrollment(e) for e in enrollments],
        "contributions": summarise_contributions(person.paid_months or 0, periods),
        "recent_assessments": [
            {"month": a.month.strftime("%Y-%m"), "payer": a.employer.name if a.employer_id else "灵活就业人员",
             "base": str(a.base), "amount": str(a.amount), "personal_amount": str(a.personal_amount),
             "state": a.get_state_display()} for a in recent
        ],
        "unpaid_notices": [_notice(n) for n in unpaid],
        "e_credential": {"number": mask_credential_number(person.credential_number),
                         "activated_at": _iso(person.credential_activated_at)}
        if person.credential_number is not None else None,
        "remote_care": remote_care.record_lines(person, timezone.localdate()),
    }


def unit_record(employer):
    """参保单位参保信息: particulars, lineage, employees by status with the roster, the bases of
    the latest declared year, unpaid notices."""
    by_status = dict(employer.enrollments.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    roster = (employer.enrollments.filter(status__in=OPEN_STATUSES).select_related("person")
              .order_by("person__name", "person_id")[:ROSTER_LIMIT])
    latest = (ContributionBase.objects.filter(employer=employer).values("year").order_by("-year")
              .annotate(persons=Count("id"), total=Sum("base")).first())
    unpaid = PaymentNotice.objects.filter(employer=employer, state=NoticeState.ISSUED).order_by("due_on", "id")
    links = [
        *({"relation": "承继自", "kind": link.get_kind_display(), "employer": link.predecessor.name,
           "uscc": link.predecessor.uscc, "on": _iso(link.on)}
          for link in employer.predecessor_links.select_related("predecessor")),
        *({"relation": "承继为", "kind": link.get_kind_display(), "employer": link.successor.name,
           "uscc": link.successor.uscc, "on": _iso(link.on)}
          for link in employer.successor_links.select_related("successor")),
    ]
    return {
        "kind": "employer",
        "employer": {
            "uscc": employer.uscc, "name": employer.name, "kind": employer.get_kind_display(),
            "legal_representative": employer.legal_representative, "bank_name": employer.bank_name,
            "bank_account": mask_bank_account(employer.bank_account),
            "collection_agency": employer.get_collection_agency_display(), "status": employer.get_status_display(),
            "registered_on": _iso(employer.registered_on), "status_on": _iso(employer.status_on),
            "region": employer.region.name, "phone": mask_phone(employer.phone), "address": employer.address,
        },
        "lineage": links,
        "employees": {EnrollmentStatus(s).label: n for s, n in sorted(by_status.items())},
        "employees_open": sum(n for s, n in by_status.items() if s in OPEN_STATUSES),
        "roster": [{"name": e.person.name, "id_number": mask_id_number(e.person.id_number), "category": e.category,
                    "status": e.get_status_display(), "start_on": _iso(e.start_on)} for e in roster],
        "roster_truncated": sum(n for s, n in by_status.items() if s in OPEN_STATUSES) > ROSTER_LIMIT,
        "bases": {"year": latest["year"], "persons": latest["persons"], "total": str(yuan(latest["total"]))} if latest else None,
        "unpaid_notices": [_notice(n) for n in unpaid],
    }


def open_lump_sum_notice(person):
    return PaymentNotice.objects.filter(person=person, kind=NoticeKind.LUMP_SUM, state=NoticeState.ISSUED).first()

