"""Changes to accounts: registering an applicant, creating staff, recording a login attempt."""
import uuid
from math import ceil

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yibao.catalog import office_refs
from yibao.core.audit import record
from yibao.core.models import Channel
from yibao.people import throttle
from yibao.people.identity import normalise, validate_id, validate_phone
from yibao.people.models import (
    ID_TYPES_BY_KIND,
    Applicant,
    ApplicantKind,
    Authorisation,
    IdType,
    LoginAttempt,
    LoginOutcome,
    Role,
    StaffProfile,
)


class RegistrationRefused(ValueError):
    """Registration input the account cannot be created from; `field` names the form field."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class AlreadyRegistered(RegistrationRefused):
    def __init__(self):
        super().__init__("该证件号码已注册，请直接登录；如忘记密码，请携带证件到经办窗口办理", field="id_number")


class RegistrationThrottled(RegistrationRefused):
    def __init__(self):
        super().__init__("注册尝试过于频繁，请稍后再试；如需帮助，请携带证件到经办窗口办理")


class StaffRefused(ValueError):
    """Bad input for a staff account."""


class LoginRefused(PermissionError):
    pass


class LoginLocked(LoginRefused):
    """Too many failures for this identifier or IP: refused without checking the password."""


class BadCredentials(LoginRefused):
    pass


# Django's own wording is not translated for every validator in this version: say it here.
_PASSWORD_PROBLEMS = {
    "password_too_short": "密码至少需要{min_length}位",
    "password_too_similar": "密码与账户信息过于相似",
    "password_too_common": "密码过于常见，请换一个",
    "password_entirely_numeric": "密码不能全是数字",
}


def password_problem(password):
    """Why the configured validators refuse `password`, in Chinese; '' if they accept it."""
    try:
        validate_password(password)
    except ValidationError as exc:
        return "；".join(
            _PASSWORD_PROBLEMS.get(e.code, "密码不符合要求").format(**(e.params or {})) for e in exc.error_list
        )
    return ""


def register_applicant(
    kind, id_type, id_number, name, phone, password, region=None, *, actor=None, channel=Channel.PORTAL
):
    """Create a public account. `actor` is the staff member registering it at a window (帮办),
    or None when the applicant registers itself. Returns the Applicant."""
    if kind not in ApplicantKind.values:
        raise RegistrationRefused("请选择账户类型", field="kind")
    if id_type not in ID_TYPES_BY_KIND[kind]:
        allowed = "、".join(IdType(t).label for t in ID_TYPES_BY_KIND[kind])
        raise RegistrationRefused(f"{ApplicantKind(kind).label}账户须使用{allowed}", field="id_type")
    number = validate_id(id_type, id_number)
    phone = validate_phone(phone)
    name = (name or "").strip()
    if not name:
        raise RegistrationRefused("请填写姓名或单位名称", field="name")
    if len(name) > 200:
        raise RegistrationRefused("姓名或单位名称过长", field="name")
    if problem := password_problem(password):
        raise RegistrationRefused(problem, field="password")
    try:
        with transaction.atomic():
            # The username is opaque: the ID number must not show in audit labels or URLs.
            user = get_user_model().objects.create_user(f"applicant-{uuid.uuid4().hex[:12]}", password=password)
            applicant = Applicant.objects.create(
                user=user, kind=kind, id_type=id_type, id_number=number, name=name, phone=phone, region=region
            )
            record(
                actor=actor or user,
                channel=channel,
                action="注册账户",
                obj=applicant,
                summary=f"{applicant.get_kind_display()} {name}（{applicant.masked_id}）",
                changes={"kind": kind, "id_type": id_type, "id_number": applicant.masked_id,
                         "region": region.code if region else None},
            )  # fmt: skip
    except IntegrityError:
        # The unique constraints on the ID number are the only ones a registration can break.
        raise AlreadyRegistered() from None
    return applicant


def create_staff(username, password, region, office, roles, *, actor=None, channel=Channel.COMMAND):
    """Create a staff account of `region` at `office` with `roles`. Returns the StaffProfile.
    The admin role also opens the back office (/admin/)."""
    username = (username or "").strip()
    roles = list(dict.fromkeys(roles or []))
    if not username:
        raise StaffRefused("请填写用户名")
    if region is None:
        raise StaffRefused("请选择所属地区")
    if not roles or any(r not in Role.values for r in roles):
        raise StaffRefused("角色应为：" + "、".join(f"{value}（{label}）" for value, label in Role.choices))
    if problem := password_problem(password):
        raise StaffRefused(problem)
    try:
        office, office_ref = office_refs.resolve(region.pk, office)
    except office_refs.UnknownOffice as exc:
        raise StaffRefused(str(exc)) from None
    is_admin = Role.ADMIN in roles
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                username, password=password, is_staff=is_admin, is_superuser=is_admin
            )
            profile = StaffProfile.objects.create(user=user, region=region, office=office, office_ref=office_ref,
                                                  roles=roles)
            record(
                actor=actor,
                channel=channel,
                action="新增工作人员",
                obj=profile,
                summary=f"{username} {region.name} {profile.office} {profile.role_names}",
                changes={"username": username, "region": region.code, "office": profile.office, "roles": roles},
            )
    except IntegrityError:
        raise StaffRefused(f"用户名“{username}”已存在") from None
    return profile


def _log_attempt(identifier, ip, outcome):
    with transaction.atomic():
        LoginAttempt.objects.create(identifier=throttle.identifier_key(identifier), ip=ip, outcome=outcome)
        throttle.prune()  # by the index on `at`: only the rows past their keeping time


def register_from(ip, *args, **kwargs):
    """register_applicant for a public form or endpoint: limited per IP (RegistrationThrottled),
    and the attempt recorded whether it succeeds or not, so guessing who has an account is slow."""
    if throttle.registrations_exhausted(ip):
        raise RegistrationThrottled()
    _log_attempt("", ip, LoginOutcome.REGISTER)
    return register_applicant(*args, **kwargs)


def attempt_login(request, identifier, password):
    """Check a login (identity number or staff username, and password), throttled and recorded.
    Returns the user; the caller logs them in. Every login form goes through here."""
    ip = throttle.client_ip(request)
    until = throttle.locked_until(identifier, ip)
    if until is not None:
        _log_attempt(identifier, ip, LoginOutcome.LOCKED)
        minutes = max(1, ceil((until - timezone.now()).total_seconds() / 60))
        raise LoginLocked(f"登录失败次数过多，账户已暂时锁定，请{minutes}分钟后再试")
    # The password hash is checked outside any transaction: it is slow and changes nothing.
    user = authenticate(request, username=(identifier or "").strip(), password=password)
    _log_attempt(identifier, ip, LoginOutcome.SUCCESS if user else LoginOutcome.FAILURE)
    if user is None:
        raise BadCredentials(
            f"证件号码（或用户名）或密码不正确；连续输错{settings.YIBAO_LOGIN_MAX_FAILURES}次"
            f"将锁定{settings.YIBAO_LOGIN_LOCK_MINUTES}分钟"
        )
    return user


class AuthorisationRefused(ValueError):
    """An authorisation that cannot be given or withdrawn; `field` names the input."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def _agent_account(principal, agent_id_number):
    agent = Applicant.objects.filter(id_number=normalise(agent_id_number)).first()
    if agent is None:
        raise AuthorisationRefused("该证件号码尚未注册账户：代理人须先注册", field="agent_id_number")
    if agent.pk == principal.pk:
        raise AuthorisationRefused("不能授权本人为代理人", field="agent_id_number")
    return agent


def grant_authorisation(principal, agent_id_number, *, channel):
    """授权委托: `principal` (an Applicant, acting in their own account) lets the account of
    `agent_id_number` apply online in their name. Giving it twice changes nothing."""
    agent = _agent_account(principal, agent_id_number)
    with transaction.atomic():
        Applicant.objects.select_for_update().filter(pk=principal.pk).first()  # one grant at a time per principal
        existing = Authorisation.objects.filter(principal=principal, agent=agent, revoked_at=None).first()
        if existing is not None:
            return existing
        granted = Authorisation.objects.create(principal=principal, agent=agent)
        record(actor=principal.user, channel=channel, action="授权委托", obj=granted,
               summary=f"{principal.masked_id} 授权 {agent.masked_id} 代为网上申请",
               changes={"agent": agent.masked_id})
    return granted


def revoke_authorisation(principal, agent_id_number, *, channel):
    """Withdraw the principal's authorisation of that agent; the cases already filed stay."""
    agent = _agent_account(principal, agent_id_number)
    with transaction.atomic():
        now = timezone.now()
        count = Authorisation.objects.filter(principal=principal, agent=agent, revoked_at=None).update(revoked_at=now)
        if not count:
            raise AuthorisationRefused("未向该代理人授权", field="agent_id_number")
        record(actor=principal.user, channel=channel, action="撤销授权委托", obj=principal,
               summary=f"{principal.masked_id} 撤销对 {agent.masked_id} 的授权", changes={"agent": agent.masked_id})
