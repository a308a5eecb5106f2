"""The API's own changes: clients and their tokens, personal tokens at login, the access log, rate
counters, and the submission made idempotent by its key. Each in one transaction; case changes
themselves are the engine's (yibao.cases.actions)."""
import hashlib
import secrets
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from yibao.api import calllog
from yibao.api.errors import Forbidden, IdempotencyConflict, Invalid, Throttled
from yibao.api.models import ApiClient, ApiToken, ClientKind, IdempotencyKey, RateCounter
from yibao.cases.actions import submit_case
from yibao.core.audit import record
from yibao.core.compiled import CompiledQuery, insert
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


# The prune of old windows runs at most once per window per process, a batch at a time.
PRUNE_BATCH, PRUNE_BATCHES = 1000, 50
_pruned_window = None


def count_request(scope, key, *, limit, seconds=60):
    """Count one request of `scope` for `key` in the current fixed window; Throttled once the
    window holds more than `limit`. The key is kept only as a hash.

    One statement (an upsert returning the new count: atomic on both databases, so concurrent
    requests never lose a count), in the database so that every server process sees the same
    count. Windows older than a day are pruned by window (indexed), in batches, once per window
    per process: never a scan or a delete per request."""
    return count_requests([(scope, key)], limit=limit, seconds=seconds)


def count_requests(keys, *, limit, seconds=60):
    """count_request for several (scope, key) pairs at once: one statement (a multi-row upsert),
    so a request limited two ways writes once. Throttled when any of them is over `limit`;
    returns the highest count."""
    now = timezone.now()
    start = now.timestamp() // seconds * seconds
    window = connection.ops.adapt_datetimefield_value(datetime.fromtimestamp(start, tz=dt_timezone.utc))
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    params = []
    for scope, key in keys:
        params += [scope, hashlib.sha256(f"{scope}:{key}".encode()).hexdigest(), window]
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("scope", "key", "window", "count") VALUES '
            + ", ".join(["(%s, %s, %s, 1)"] * len(keys))
            + f' ON CONFLICT ("scope", "key", "window") DO UPDATE SET "count" = {table}."count" + 1 RETURNING "count"',
            params,
        )
        count = max(row[0] for row in cursor.fetchall())
    _prune_counters(datetime.fromtimestamp(start, tz=dt_timezone.utc))
    if count > limit:
        retry_after = max(1, int(start + seconds - now.timestamp()))
        raise Throttled(f"查询过于频繁，请{retry_after}秒后再试", retry_after=retry_after)
    return count


def _prune_counters(window):
    """Forget counters older than a day: one batch when this process first sees a new window."""
    global _pruned_window
    if _pruned_window == window:
        return
    _pruned_window = window
    old = RateCounter.objects.filter(window__lt=window - timedelta(days=1)).order_by("window")
    for _ in range(PRUNE_BATCHES):
        batch = list(old.values_list("pk", flat=True)[:PRUNE_BATCH])
        if batch:
            RateCounter.objects.filter(pk__in=batch).delete()
        if len(batch) < PRUNE_BATCH:
            break


def submit_bundle_once(*, caller, key, request_hash, client, user, submit):
    """A 合并申请 (`submit()` → (bundle, cases)) at most once per (caller, Idempotency-Key), as
    submit_once: the key row, holding the bundle's first case, is inserted in the same transaction.
    Returns (bundle, created)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = IdempotencyKey.objects.create(caller=caller, key=key, request_hash=request_hash,
                                                    client=client, user=user)
        except IntegrityError:
            row = IdempotencyKey.objects.select_related("case__bundle").get(caller=caller, key=key)
            if row.request_hash != request_hash or row.case is None or row.case.bundle is None:
                raise IdempotencyConflict(
                    "该幂等键已用于另一份不同的申请，请为新的申请使用新的 Idempotency-Key", field="Idempotency-Key",
                ) from None
            return row.case.bundle, False
        bundle, cases = submit()
        row.case = cases[0]
        row.save(update_fields=["case"])
    return bundle, True


class _KeyTaken(Exception):
    """The Idempotency-Key was recorded by a concurrent request: this one's transaction is undone."""


def _key(alias):
    sample = {"caller": "\x00caller", "key": "\x00key"}
    return IdempotencyKey.objects.using(alias).select_related("case").filter(**sample).order_by()[:1], sample


KEY = CompiledQuery(IdempotencyKey, _key)


def _replay(caller, key, request_hash):
    """(the case of an earlier submission with this key, False), or None if there was none."""
    row = next(iter(KEY.objects(caller=caller, key=key)), None)
    if row is None:
        return None
    if row.request_hash != request_hash:
        raise IdempotencyConflict("该幂等键已用于另一份不同的申请，请为新的申请使用新的 Idempotency-Key",
                                  field="Idempotency-Key", receipt_no=row.case.receipt_no)
    return row.case, False


def submit_once(*, caller, key, request_hash, client, user, **submission):
    """submit_case, at most once per (caller, Idempotency-Key). The key row is inserted in the same
    transaction as the case, on a unique index: of two concurrent requests with one key, the
    second waits on the index, its transaction is undone, and it answers with the first one's
    case. A key seen before answers at once, before anything is written.
    Returns (case, created). The same key with a different request is IdempotencyConflict."""
    replay = _replay(caller, key, request_hash)
    if replay is not None:
        return replay

    def record_key(case):
        try:
            insert(IdempotencyKey(caller=caller, key=key, request_hash=request_hash, case=case, client=client,
                                  user=user))
        except IntegrityError:
            raise _KeyTaken from None  # undoes the whole transaction: the case and its rows
        # This call's log row goes in the case's transaction (its account and client were read
        # with its token a moment ago): one write transaction per submission, not two.
        calllog.flush(known_users={getattr(user, "pk", None)}, known_clients={getattr(client, "pk", None)})

    try:
        return submit_case(**submission, on_open=record_key), True
    except _KeyTaken:
        # The other request committed (a rolled-back one would not have held the index).
        return _replay(caller, key, request_hash) or submit_once(
            caller=caller, key=key, request_hash=request_hash, client=client, user=user, **submission)
