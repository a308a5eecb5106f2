"""The workbench's own changes, each one function in one transaction.

take_window_application joins two actions that belong together when staff enter an application:
registering the applicant (and agent) who has no account yet, and submitting the case. Either both
happen or neither does: a refused application leaves no half-registered account behind.
"""
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from yibao.cases.actions import submit_case
from yibao.cases.exceptions import InvalidCaseData
from yibao.cases.models import Notification
from yibao.core.audit import record
from yibao.core.models import Channel
from yibao.people.actions import RegistrationRefused, register_applicant
from yibao.people.identity import normalise
from yibao.people.models import Applicant, ApplicantKind, IdType

KIND_OF_ID = {IdType.USCC: ApplicantKind.EMPLOYER, IdType.PROVIDER_CODE: ApplicantKind.PROVIDER}
# The channels through which staff enter an application on the workbench (the portal and the API
# have their own front doors). The engine accepts each of them for every item.
STAFF_CHANNELS = (Channel.WINDOW, Channel.HOTLINE, Channel.TERMINAL)


@dataclass
class Identity:
    """Who stands at the window, as typed: found by ID number, else registered with name and phone."""

    id_type: str
    id_number: str
    name: str = ""
    phone: str = ""
    role: str = "申请人"  # 申请人 / 代理人, for messages


def find_applicant(id_number):
    number = normalise(id_number)
    return Applicant.objects.filter(id_number=number).first() if number else None


def _find_or_register(identity, clerk, region, channel):
    found = find_applicant(identity.id_number)
    if found is not None:
        return found, False
    if not identity.name.strip() or not identity.phone.strip():
        raise RegistrationRefused(f"{identity.role}尚未注册，请填写{identity.role}姓名（名称）和联系电话以便当场注册",
                                  field="name" if identity.role == "申请人" else "agent_name")
    # Nobody knows this password: the applicant follows the case with the receipt number and the
    # ID number, and sets a password of their own at a window or by registering online later.
    applicant = register_applicant(
        KIND_OF_ID.get(identity.id_type, ApplicantKind.PERSON), identity.id_type, identity.id_number,
        identity.name, identity.phone, secrets.token_urlsafe(24), region, actor=clerk, channel=channel,
    )  # fmt: skip
    return applicant, True


def take_window_application(*, clerk, office, item, applicant, agent=None, conditions=None, materials=None,
                            data=None, comment="", channel=Channel.WINDOW):
    """A clerk enters an application for `applicant` (an Identity), with `agent` (an Identity) when
    a 委托代理人 applies, as it came in: at the window, by the hotline or at a self-service terminal
    (`channel`, one of STAFF_CHANNELS, recorded on the case, its event and the audit entries).
    Returns (case, [who was registered])."""
    if channel not in STAFF_CHANNELS:
        names = "、".join(Channel(c).label for c in STAFF_CHANNELS)
        raise InvalidCaseData(f"工作台登记的申请渠道只能是{names}", field="channel")
    with transaction.atomic():
        region = item.guide.region
        person, new_person = _find_or_register(applicant, clerk, region, channel)
        agent_row, new_agent = _find_or_register(agent, clerk, region, channel) if agent else (None, False)
        case = submit_case(
            item=item, applicant=person, actor=clerk, channel=channel, office=office, agent=agent_row,
            conditions=conditions, materials=materials, data=data, comment=comment,
        )  # fmt: skip
    registered = [role for role, new in (("申请人", new_person), ("代理人", new_agent)) if new]
    return case, registered


def mark_notifications_read(user, ids=None):
    """Mark the user's unread notifications read (those of `ids`, or all). Returns how many."""
    with transaction.atomic():
        unread = Notification.objects.filter(recipient=user, read_at=None)
        if ids is not None:
            unread = unread.filter(pk__in=ids)
        count = unread.update(read_at=timezone.now())
        if count:
            record(actor=user, channel=Channel.WINDOW, action="消息已读", object_type="cases.notification",
                   object_id=str(user.pk), summary=f"{count}条消息标记为已读")
    return count


def note_download(user, obj, *, what, summary):
    """Put a staff download of personal data (a record PDF, a roster) on record."""
    with transaction.atomic():
        record(actor=user, channel=Channel.WINDOW, action=what, obj=obj, summary=summary)
