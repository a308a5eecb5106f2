"""Issuing the 参保凭证 and the 医保电子凭证, one function per verb, each in one transaction with
its audit entry."""
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from yibao.cases.interface import prefix_for
from yibao.contributions.exceptions import CredentialAlreadyActive
from yibao.contributions.models import Certificate, CredentialStatus, ECredential, contribution_summary
from yibao.core.audit import acting_user, record
from yibao.enrollment.exceptions import NotEnrolled
from yibao.enrollment.machines import PERSONS
from yibao.enrollment.models import OPEN_STATUSES


def _case_ref(case):
    return f"{case.receipt_no} " if case is not None else ""


def certificate_content(person, region, today):
    """The facts a 参保凭证 certifies, as they stand today (full name and ID number: the holder
    presents it to another agency, which must match it to the person)."""
    enrollments = list(person.enrollments.select_related("employer", "region").order_by("-start_on", "-id"))
    if not enrollments:
        raise NotEnrolled(f"未查询到{person}的参保记录，不能出具参保凭证")
    return {
        "name": person.name, "id_type": person.get_id_type_display(), "id_number": person.id_number,
        "sex": person.get_sex_display(), "birth_date": person.birth_date.isoformat(),
        "issuer_region": region.name, "issued_on": today.isoformat(),
        "enrollments": [
            {"scheme": e.get_scheme_display(), "category": e.category, "region": e.region.name,
             "employer": e.employer.name if e.employer_id else "", "status": e.get_status_display(),
             "start_on": e.start_on.isoformat(), "end_on": e.end_on.isoformat() if e.end_on else ""}
            for e in enrollments
        ],
        "contributions": contribution_summary(person),
    }


def issue_certificate(person, *, region, actor, channel, case=None):
    """出具《参保凭证》: the register's facts today, kept as issued, with a verification code."""
    today = timezone.localdate()
    with transaction.atomic():
        content = certificate_content(person, region, today)
        certificate = Certificate.objects.create(
            number=f"{prefix_for(region)}-PZ-{today:%Y%m%d}-{secrets.token_hex(5).upper()}", person=person,
            region=region, case=case, content=content, issued_by=acting_user(actor))
        record(actor=acting_user(actor), channel=channel, action="出具参保凭证", obj=certificate,
               summary=f"{_case_ref(case)}{person} 参保凭证{certificate.number}")
    return certificate


def grant_e_credential(person, *, region, actor, channel, case=None):
    """医保电子凭证申领: one active credential per insured, living person."""
    with transaction.atomic():
        person = type(person).objects.select_for_update().get(pk=person.pk)
        check_e_credential(person)
        try:
            with transaction.atomic():
                credential = ECredential.objects.create(person=person, region=region, case=case,
                                                        number=f"EC{secrets.token_hex(8).upper()}")
        except IntegrityError:  # a concurrent claim committed first
            raise CredentialAlreadyActive(f"{person}已申领医保电子凭证，无需重复申领") from None
        record(actor=acting_user(actor), channel=channel, action="医保电子凭证申领", obj=credential,
               summary=f"{_case_ref(case)}{person} 电子凭证{credential.masked_number}")
    return credential


def check_e_credential(person):
    """Refuse a claim the register does not allow (used by the handler before anything is written)."""
    PERSONS.move(person.status, "claim_credential",
                 message=f"{person}登记为“{person.get_status_display()}”，不能申领医保电子凭证")
    if not person.enrollments.filter(status__in=OPEN_STATUSES).exists():
        raise NotEnrolled(f"{person}未参加基本医疗保险，不能申领医保电子凭证")
    if person.e_credentials.filter(status=CredentialStatus.ACTIVE).exists():
        raise CredentialAlreadyActive(f"{person}已申领医保电子凭证，无需重复申领")
