"""What the public site must remember between requests: progress queries per address, so that the
query (receipt number + ID number) cannot be used to guess ID numbers."""
from django.db import models
from django.utils import timezone


class TrackAttempt(models.Model):
    """One progress query from one address. The address is kept only as a keyed hash."""

    client = models.CharField("来源（摘要）", max_length=64)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "进度查询记录"
        verbose_name_plural = "进度查询记录"
        indexes = [models.Index(fields=["client", "at"], name="trackattempt_client_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.client[:8]}"
