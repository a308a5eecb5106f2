from django.conf import settings
from django.db import models


class Channel(models.TextChoices):
    """Where an action came from (办理渠道 of the action, not of the guide)."""

    WINDOW = "window", "窗口"
    PORTAL = "portal", "网上办事大厅"
    API = "api", "接口"
    HOTLINE = "hotline", "电话"
    TERMINAL = "terminal", "自助终端"
    ADMIN = "admin", "后台配置"
    COMMAND = "command", "命令行"
    SYSTEM = "system", "系统"


class AuditEntry(models.Model):
    """One recorded change: who, when, what, through which channel. Append-only."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField("操作人", max_length=150, blank=True)
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    action = models.CharField("操作", max_length=64)
    object_type = models.CharField("对象类型", max_length=100)
    object_id = models.CharField("对象标识", max_length=64)
    summary = models.CharField("摘要", max_length=500, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}#{self.object_id}"
