"""The API's own changes: clients and their tokens, personal tokens at login, the access log, and
the submission made idempotent by its key (rate limits: api.ratelimit). Each in one transaction;
case changes themselves are the engine's (yibao.cases.actions)."""
import hashlib
import secrets
from functools import partial
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from yibao.api import calllog
from yibao.api.errors import Forbidden, IdempotencyConflict, Invalid
from yibao.api.models import ApiClient, ApiToken, ClientKind
from yibao.cases.actions import submit_case
from yibao.cases.models import Case
from yibao.core.audit import record
from yibao.core.compiled import CompiledQuery
from yibao.core.models import Channel
from yibao.people import actions as people
from yibao.people.models import Role

TOKEN_PREFIX = "yb_"


def hash_token(token):
    """Tokens are 256 random bits: a plain SHA-256 is enough to keep them unusable at rest."""
    return hashlib.sha256(token.encode()).hexdigest()


def _issue(*, client=None, user=None, expires_at=None):
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        key_hash=hash_token(token), prefix=token[:10], client=client, user=user, expires_at=expires_at
    )
    return token, row


def create_client(name, kind, region=None, *, roles=(), office="", actor=None, channel=Channel.COMMAND):
    """Register a client and issue its token. A partner gets a service account on the staff of
    `region` with `roles` (default: window clerk), so the people policy limits it like staff.
    Returns (client, token); the token is not kept and cannot be shown again."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Invalid("客户端名称不能为空，且不超过100个字", field="name")
    if kind not in ClientKind.values:
        raise Invalid("客户端类型应为：" + "、".join(f"{v}（{label}）" for v, label in ClientKind.choices), field="kind")
    roles = list(dict.fromkeys(roles or ([Role.CLERK] if kind == ClientKind.PARTNER else [])))
    if kind == ClientKind.PARTNER and region is None:
        raise Invalid("合作系统须指定地区范围", field="region")
    if kind == ClientKind.APP and roles:
        raise Invalid("应用代表申请人办理，不能授予工作人员角色", field="roles")
    with transaction.atomic():
        if ApiClient.objects.filter(name=name).exists():
            raise Invalid(f"客户端“{name}”已存在", field="name")
        user = None
        if kind == ClientKind.PARTNER:
            # The service account never logs in with a password: it acts only through the token.
            profile = people.create_staff(f"api-{secrets.token_hex(6)}", secrets.token_urlsafe(24), region, office,
                                          roles, actor=actor, channel=channel)
            user = profile.user
            user.set_unusable_password()
            user.save(update_fields=["password"])
        try:
            with transaction.atomic():
                client = ApiClient.objects.create(name=name, kind=kind, region=region, user=user)
        except IntegrityError:  # created by someone else since the check above
            raise Invalid(f"客户端“{name}”已存在", field="name") from None
        token, row = _issue(client=client)
        record(actor=actor, channel=channel, action="新增接口客户端", obj=client,
               summary=f"{name}（{client.get_kind_display()}，{region.name if region else '不限地区'}）令牌 {row.prefix}…",
               changes={"kind": kind, "region": region.code if region else None, "roles": roles})
    return client, token


def login(request, identifier, password, *, client=None):
    """A personal token for whoever logs in (throttled: people.actions.attempt_login), issued
    through `client` if an app presented its own token. Returns (token, ApiToken)."""
    if client is not None and client.kind != ClientKind.APP:
        raise Forbidden("合作系统令牌不能用于个人登录，请使用应用令牌或不带令牌登录")
    user = people.attempt_login(request, identifier, password)
    return personal_token(user, client=client)


def personal_token(user, *, client=None):
    """Issue a personal token for `user` (already authenticated), valid YIBAO_API_TOKEN_DAYS."""
    with transaction.atomic():
        expires_at = timezone.now() + timedelta(days=int(settings.YIBAO_API_TOKEN_DAYS))
        token, row = _issue(client=client, user=user, expires_at=expires_at)
        record(actor=user, channel=Channel.API, action="接口登录", obj=row,
               summary=f"令牌 {row.prefix}…（{client.name if client else '未注明应用'}），{expires_at:%Y-%m-%d}前有效")
    return token, row


def revoke(token_row, actor, *, channel=Channel.API):
    """Revoke a token now (logout, or an administrator withdrawing a client's token)."""
    with transaction.atomic():
        row = ApiToken.objects.select_for_update().get(pk=token_row.pk)
        if row.revoked_at is None:
            row.revoked_at = timezone.now()
            row.save(update_fields=["revoked_at"])
            record(actor=actor, channel=channel, action="注销接口令牌", obj=row, summary=f"令牌 {row.prefix}…")
    return row


def revoke_client(client, actor, *, channel=Channel.COMMAND):
    """Disable a client and revoke all its tokens (personal tokens issued through it included)."""
    with transaction.atomic():
        client = ApiClient.objects.select_for_update().get(pk=client.pk)
        client.active = False
        client.save(update_fields=["active"])
        revoked = client.tokens.filter(revoked_at=None).update(revoked_at=timezone.now())
        record(actor=actor, channel=channel, action="停用接口客户端", obj=client,
               summary=f"{client.name}，注销令牌 {revoked} 个")
    return client


def log_call(request, *, client, user, via, read=None):
    """The access log: one row per authenticated request; a change written by the end of its
    request (a submission's in the case's transaction), reads in batches (api.calllog)."""
    return calllog.record(request, client=client, user=user, via=via, read=read)


KEY_TAKEN = "该幂等键已用于另一份不同的申请，请为新的申请使用新的 Idempotency-Key"


def _key(alias):
    sample = {"request_scope": "\x00caller", "request_key": "\x00key"}
    return Case.objects.using(alias).select_related("bundle").filter(**sample).order_by()[:1], sample


KEY = CompiledQuery(Case, _key)


def _earlier(caller, key):
    """The case an earlier request with this key opened, else None."""
    return next(iter(KEY.objects(request_scope=caller, request_key=key)), None)


def _log_call(client, user):
    """This call's log row, written in the submission's own transaction (its account and client
    were read with its token a moment ago): one write transaction per submission, not two."""
    calllog.flush(known_users={getattr(user, "pk", None)}, known_clients={getattr(client, "pk", None)})


def submit_bundle_once(*, caller, key, request_hash, client, user, submit):
    """A 合并申请 (`submit()` → (bundle, cases)) at most once per (caller, Idempotency-Key), as
    submit_once: the key is set on the bundle's first case in the same transaction. Returns
    (bundle, created)."""
    case = _earlier(caller, key)
    if case is not None:
        if case.request_hash != request_hash or case.bundle is None:
            raise IdempotencyConflict(KEY_TAKEN, field="Idempotency-Key")
        return case.bundle, False
    try:
        with transaction.atomic():
            bundle, cases = submit()
            Case.objects.filter(pk=cases[0].pk).update(request_scope=caller, request_key=key, request_hash=request_hash)
            _log_call(client, user)
    except IntegrityError:
        # Of two requests with one key the second waits on the unique index, then its whole
        # transaction is undone: the other one committed, answer with its bundle.
        if _earlier(caller, key) is None:
            raise  # not the key
        return submit_bundle_once(caller=caller, key=key, request_hash=request_hash, client=client, user=user,
                                  submit=submit)
    return bundle, True


def submit_once(*, caller, key, request_hash, client, user, **submission):
    """submit_case, at most once per (caller, Idempotency-Key): a key seen before answers at once
    with its case, before anything is written; a new one is written with the case it opens (its
    unique index decides between concurrent requests). Returns (case, created). The same key with
    a different request is IdempotencyConflict."""
    case = _earlier(caller, key)
    if case is not None:
        if case.request_hash != request_hash:
            raise IdempotencyConflict(KEY_TAKEN, field="Idempotency-Key", receipt_no=case.receipt_no)
        return case, False
    try:
        return submit_case(**submission, request_key=(caller, key, request_hash),
                           on_open=lambda case: partial(_log_call, client, user)), True
    except IntegrityError:
        if _earlier(caller, key) is None:
            raise  # not the key
        # the other request committed (a rolled-back one would not have held the index)
        return submit_once(caller=caller, key=key, request_hash=request_hash, client=client, user=user,
                           **submission)
