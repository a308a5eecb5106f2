"""Reading the registers: the record of a person or an employer as plain data (JSON-able: dates
as ISO text, money as text), for the screen, the PDF, a 参保凭证 and the API. Personal data is
masked where the reader does not need the full value (ID and bank numbers, phones)."""
from django.db.models import Count, Prefetch, Sum, prefetch_related_objects
from django.utils import timezone

from yibao.contributions.models import (
    Assessment,
    AssessmentState,
    ContributionBase,
    CredentialStatus,
    NoticeKind,
    NoticeState,
    PaymentNotice,
    contribution_summary,
)
from yibao.core.masking import mask_bank_account, mask_id_number, mask_phone
from yibao.core.money import yuan
from yibao.enrollment.models import OPEN_STATUSES, Enrollment, EnrollmentChange, EnrollmentStatus
from yibao.remote_care import queries as remote_care

RECENT_MONTHS = 12
ROSTER_LIMIT = 500


def _iso(value):
    return value.isoformat() if value else ""


def _notice(n):
    return {"number": n.number, "kind": n.get_kind_display(), "period_from": _iso(n.period_from),
            "period_to": _iso(n.period_to), "total": str(n.total), "issued_on": _iso(n.issued_on),
            "due_on": _iso(n.due_on), "state": n.get_state_display(), "parameters_label": n.parameters_label}


def _enrollment(e, *, history=True):
    row = {"scheme": e.get_scheme_display(), "scheme_code": e.scheme, "category": e.category,
           "employer": e.employer.name if e.employer_id else "", "region": e.region.name,
           "status": e.get_status_display(), "status_code": e.status, "open": e.is_open,
           "start_on": _iso(e.start_on), "end_on": _iso(e.end_on)}
    if history:
        row["history"] = [{"kind": c.get_kind_display(), "on": _iso(c.on), "from": c.get_from_status_display(),
                           "to": c.get_to_status_display(), "reason": c.reason} for c in e.changes.all()]
    return row


def enrollments_of(person):
    """The person's enrolments as their record shows them (newest first, employer, region and
    history with them): read once per person object, so a reader that first checks who may see
    the record (by the enrolments' regions) does not read them twice."""
    prefetch_related_objects([person], Prefetch(
        "enrollments",
        queryset=Enrollment.objects.select_related("employer", "region")
        .prefetch_related(Prefetch("changes", queryset=EnrollmentChange.objects.order_by("on", "id")))
        .order_by("-start_on", "-id")))
    return person.enrollments.all()


def person_record(person):
    """参保人员参保信息: particulars, enrolments with their history, contribution time, the
    last months assessed, unpaid notices, the e-credential, the remote-care filings in force today."""
    enrollments = enrollments_of(person)
    recent = (Assessment.objects.filter(person=person).exclude(state=AssessmentState.CANCELLED)
              .select_related("employer").order_by("-month")[:RECENT_MONTHS])
    unpaid = PaymentNotice.objects.filter(person=person, state=NoticeState.ISSUED).order_by("due_on", "id")
    credential = person.e_credentials.filter(status=CredentialStatus.ACTIVE).first()
    return {
        "kind": "person",
        "person": {
            "name": person.name, "id_type": person.get_id_type_display(), "id_number": mask_id_number(person.id_number),
            "sex": person.get_sex_display(), "birth_date": _iso(person.birth_date), "phone": mask_phone(person.phone),
            "status": person.get_status_display(), "region": person.region.name,
        },
        "enrollments": [_enrollment(e) for e in enrollments],
        "contributions": contribution_summary(person),
        "recent_assessments": [
            {"month": a.month.strftime("%Y-%m"), "payer": a.employer.name if a.employer_id else "灵活就业人员",
             "base": str(a.base), "amount": str(a.amount), "personal_amount": str(a.personal_amount),
             "state": a.get_state_display()} for a in recent
        ],
        "unpaid_notices": [_notice(n) for n in unpaid],
        "e_credential": {"number": credential.masked_number, "activated_at": _iso(credential.activated_at)}
        if credential else None,
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

