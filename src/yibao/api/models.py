"""Who calls the API and what it must remember between calls: clients and their tokens (stored
as hashes only), the access log, rate-limit counters (a submission's idempotency key is on its case)."""
from django.conf import settings
from django.db import models
from django.utils import timezone


class ClientKind(models.TextChoices):
    """How a client acts."""

    APP = "app", "应用（代表申请人）"  # a public app or mini-program: its users log in and act as themselves
    PARTNER = "partner", "合作系统"  # another system, acting through its own service account


class ApiClient(models.Model):
    """A registered caller: an app of the agency or a partner system, scoped to one region."""

    name = models.CharField("名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=16, choices=ClientKind.choices)
    region = models.ForeignKey(
        "catalog.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="地区范围",
        help_text="只能办理和查看该地区的办件；留空（仅应用）则不限地区",
    )
    # A partner acts as this account: its staff profile (region, roles) is what the people
    # policy checks, exactly as for a member of staff.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="api_client",
        verbose_name="服务账号",
    )
    active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "接口客户端"
        verbose_name_plural = "接口客户端"
        ordering = ["name"]

    def __str__(self):
        return self.name


class ApiToken(models.Model):
    """A bearer token. Only its SHA-256 is kept: the token itself is shown once, when issued.

    A client's own token has `user` empty; a personal token (issued at login) names the person
    or member of staff it acts for, and the app it was issued through, if any."""

    key_hash = models.CharField("令牌摘要", max_length=64, unique=True)
    prefix = models.CharField("令牌前缀", max_length=12, help_text="用于区分令牌，不足以使用")
    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, null=True, blank=True, related_name="tokens", verbose_name="客户端"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="api_tokens",
        verbose_name="个人账号",
    )
    created_at = models.DateTimeField("签发时间", default=timezone.now)
    expires_at = models.DateTimeField("失效时间", null=True, blank=True)
    revoked_at = models.DateTimeField("注销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(client__isnull=False) | models.Q(user__isnull=False), name="apitoken_has_owner"
            ),
        ]

    def __str__(self):
        return f"{self.prefix}…"


class ApiCall(models.Model):
    """One authenticated request: which client, which account, what. Written before the call runs."""

    at = models.DateTimeField("时间", default=timezone.now)
    client = models.ForeignKey(
        ApiClient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="客户端",
        db_index=False,  # apicall_client_at
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name="账号",
    )
    via = models.CharField("凭据", max_length=16)  # client token, personal token or session
    method = models.CharField("方法", max_length=8)
    path = models.CharField("路径", max_length=300)

    class Meta:
        verbose_name = "接口调用记录"
        verbose_name_plural = "接口调用记录"
        ordering = ["-at", "-id"]
        # A client's calls by time. Calls with a personal token and no app have no client: partial,
        # they write no page of it (and it answers client = … alone: no index of client by itself).
        indexes = [models.Index(fields=["client", "at"], condition=models.Q(client__isnull=False),
                                name="apicall_client_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.method} {self.path}"


class RateCounter(models.Model):
    """Requests counted per scope, key (a hash: no addresses or ID numbers kept) and fixed window,
    in the database so that every server process sees the same count."""

    scope = models.CharField(max_length=30)
    key = models.CharField(max_length=64)
    window = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key", "window"], name="ratecounter_unique_window")]
        # Old windows are pruned by window: an index, not a scan of a day of counters.
        indexes = [models.Index(fields=["window"], name="ratecounter_window")]
