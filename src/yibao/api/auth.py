"""Who is calling, and the login that gives a person a token.

Credentials, in this order:
- `Authorization: Bearer <token>`: a client's own token (`yibao api-token create`; a partner acts
  through its service account, an app alone acts for nobody) or a personal token from
  POST /api/auth/login (acts as that person or member of staff);
- the Django session of a logged-in user (the workbench's own pages), with its CSRF token.
Every authenticated request is logged with its client (api.actions.log_call; reads in batches).
"""
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf
from pydantic import Field

from yibao.api import actions
from yibao.api.errors import ERRORS, Forbidden, Unauthenticated
from yibao.api.models import ApiToken
from yibao.core.compiled import CompiledQuery
from yibao.core.masking import mask_id_number, mask_name
from yibao.core.models import Channel
from yibao.people import actions as people_actions
from yibao.people import policy

CLIENT, PERSONAL, SESSION, NONE = "client", "personal", "session", "none"


@dataclass(frozen=True)
class Caller:
    """The authenticated party: the account it acts as (None: an app's own token, or nobody),
    the client it came through, the token used."""

    user: object = None
    client: object = None
    token: object = None
    via: str = NONE

    def __bool__(self):
        return self.via != NONE  # ninja treats a falsy result as "not authenticated"

    @property
    def region_id(self):
        """The client's region scope (None: unlimited)."""
        return self.client.region_id if self.client is not None else None

    @property
    def applicant(self):
        return getattr(self.user, "applicant", None) if self.user is not None else None

    @property
    def idempotency_scope(self):
        """Who may replay an Idempotency-Key (cases.Case.request_scope)."""
        if self.via == CLIENT:
            return f"c{self.client.pk}"
        prefix = f"c{self.client.pk}" if self.client is not None else ""
        return f"{prefix}u{self.user.pk}"

    def in_scope(self, region_id):
        return self.region_id is None or self.region_id == region_id

    def may_view(self, case):
        """The applicant, the agent, and staff of the case's region (through a client in scope)."""
        if not self.in_scope(case.region_id) or self.user is None:
            return False
        try:
            policy.check(self.user, "view", region_id=case.region_id, applicant_user_id=case.applicant.user_id,
                         agent_user_id=case.agent.user_id if case.agent_id else None)
        except policy.NotAllowed:
            return False
        return True

    def require_user(self):
        if self.user is None:
            raise Unauthenticated("应用令牌只能用于登录和公开查询；办理业务请先登录，使用个人令牌")
        return self.user


def _token(alias):
    """Every request's first read: the token with its client, account, staff profile and applicant
    (five tables), compiled once (core.compiled). The hash is unique: no ordering."""
    sample = {"key_hash": "\x00key_hash"}
    tokens = ApiToken.objects.using(alias).select_related(
        "client__user__staff_profile", "user__staff_profile", "user__applicant")
    # Columns no request reads of its caller (a request that does, reads them then): 15 of 60,
    # seven of them dates converted per row.
    tokens = tokens.defer(*UNREAD, *(f"{user}__{name}" for user in ("user", "client__user") for name in UNREAD_OF_USER))
    return tokens.filter(**sample).order_by()[:1], sample


UNREAD = ("created_at", "client__created_at", "user__applicant__created_at")
UNREAD_OF_USER = ("password", "last_login", "date_joined", "first_name", "last_name", "email")


TOKEN = CompiledQuery(ApiToken, _token)


def resolve(raw):
    """The Caller a bearer token stands for; Unauthenticated for a token that is not (or no
    longer) valid."""
    raw = (raw or "").strip()
    row = None
    if raw.startswith(actions.TOKEN_PREFIX):
        row = next(iter(TOKEN.objects(key_hash=actions.hash_token(raw))), None)
    if row is None:
        raise Unauthenticated("接口令牌无效")
    if row.revoked_at is not None or (row.expires_at is not None and row.expires_at <= timezone.now()):
        raise Unauthenticated("接口令牌已失效，请重新登录或联系管理员")
    client = row.client
    if client is not None and not client.active:
        raise Unauthenticated(f"客户端“{client.name}”已停用")
    user = row.user if row.user_id else (client.user if client is not None else None)
    if user is not None and not user.is_active:
        raise Unauthenticated("账号已停用")
    return Caller(user=user, client=client, token=row, via=PERSONAL if row.user_id else CLIENT)


def _logged(request, caller, read=None):
    actions.log_call(request, client=caller.client, user=caller.user, via=caller.via, read=read)
    return caller


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        return _logged(request, resolve(token))


class Session(APIKeyCookie):
    """The Django session; CSRF is checked only when the session is what authenticates (a
    request without any credentials gets 401, not a CSRF complaint)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if not key or user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise Forbidden("CSRF 校验失败：使用会话登录时请提交 CSRF 令牌，或改用接口令牌")
        return _logged(request, Caller(user=user, via=SESSION))


AUTH = [BearerToken(), Session()]


def optional_caller(request, *, read=True):
    """For endpoints open to anyone: the caller if a bearer token came with the request (a bad
    token is still refused), else an anonymous Caller. A session is not looked at: these
    endpoints act for nobody, so they need no CSRF token either. read: the endpoint changes
    nothing (its call is logged in the next batch, api.calllog)."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return _logged(request, resolve(header[7:]), read=read)
    return Caller()


# ---------------------------------------------------------------- login

router = Router(tags=["登录与令牌"])


class LoginIn(Schema):
    id_number: str  # 证件号码（个人、单位的统一社会信用代码、定点医药机构编码）或工作人员用户名
    password: str


class Account(Schema):
    kind: str  # applicant / staff / partner
    name: str  # masked
    id_number: str | None = None  # masked
    region: str | None = None
    office: str | None = None
    roles: list[str] = []


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: str
    client: str | None
    account: Account


def _account(caller):
    user = caller.user
    applicant = caller.applicant
    if applicant is not None:
        return {"kind": "applicant", "name": mask_name(applicant.name), "id_number": mask_id_number(applicant.id_number),
                "region": applicant.region.code if applicant.region_id else None}
    profile = policy.staff_profile(user)
    kind = "partner" if caller.via == CLIENT else "staff"
    if profile is None:
        return {"kind": kind, "name": user.get_username() if user else ""}
    return {"kind": kind, "name": user.get_username(), "region": profile.region.code, "office": profile.office,
            "roles": list(profile.roles)}


@router.post("/login", response={200: TokenOut, **ERRORS}, summary="登录并取得个人令牌")
def login(request, payload: LoginIn):
    """以证件号码（或工作人员用户名）和密码登录，返回个人令牌（只显示这一次）。连续输错将暂时锁定（429）。
    应用可在 Authorization 头中带上自己的应用令牌，令牌即归属该应用及其地区范围。"""
    caller = optional_caller(request, read=False)
    if caller.via == PERSONAL:
        raise Forbidden("已登录：请不带个人令牌调用登录")
    token, row = actions.login(request, payload.id_number, payload.password, client=caller.client)
    person = Caller(user=row.user, client=row.client, token=row, via=PERSONAL)
    return {"token": token, "expires_at": row.expires_at.isoformat(), "client": row.client.name if row.client else None,
            "account": _account(person)}


@router.post("/logout", response={200: dict, **ERRORS}, auth=AUTH, summary="注销当前个人令牌")
def logout(request):
    caller = request.auth
    if caller.via != PERSONAL:
        raise Forbidden("只能注销登录时取得的个人令牌；客户端令牌由管理员用 yibao api-token revoke 注销")
    actions.revoke(caller.token, caller.user)
    return {"ok": True}


@router.get("/me", response={200: Account, **ERRORS}, auth=AUTH, summary="当前凭据代表的账号")
def me(request):
    caller = request.auth
    if caller.user is None:
        return {"kind": "app", "name": caller.client.name}
    return _account(caller)



# ---------------------------------------------------------------- 授权委托


class AuthorisationIn(Schema):
    agent_id_number: str = Field(..., max_length=32, description="代理人证件号码（代理人须已注册账户）")


class AuthorisationOut(Schema):
    agent: str  # masked
    agent_id_number: str  # masked
    granted_at: str


def _principal(caller):
    applicant = caller.applicant
    if applicant is None or caller.via == CLIENT:
        raise Forbidden("授权委托须由申请人本人登录后办理")
    return applicant


def _authorisation(row):
    return {"agent": mask_name(row.agent.name), "agent_id_number": mask_id_number(row.agent.id_number),
            "granted_at": row.granted_at.isoformat()}


@router.get("/authorisations", response={200: list[AuthorisationOut], **ERRORS}, auth=AUTH, summary="我给出的授权委托")
def authorisations(request):
    """本人账户授权的代理人（有效的）。"""
    principal = _principal(request.auth)
    rows = principal.authorisations_given.filter(revoked_at=None).select_related("agent")
    return [_authorisation(r) for r in rows]


@router.post("/authorisations", response={201: AuthorisationOut, **ERRORS}, auth=AUTH, summary="授权他人代为网上申请")
def authorise(request, payload: AuthorisationIn):
    """帮办代办：本人授权后，代理人才能以本人名义网上或通过接口申请；重复授权不产生新记录。"""
    principal = _principal(request.auth)
    row = people_actions.grant_authorisation(principal, payload.agent_id_number, channel=Channel.API)
    return Status(201, _authorisation(row))


@router.post("/authorisations/revoke", response={200: dict, **ERRORS}, auth=AUTH, summary="撤销授权委托")
def revoke_authorisation(request, payload: AuthorisationIn):
    principal = _principal(request.auth)
    people_actions.revoke_authorisation(principal, payload.agent_id_number, channel=Channel.API)
    return {"ok": True}
