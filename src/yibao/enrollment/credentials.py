"""Documents and credentials issued to insured persons.

- Certificate (《参保凭证》): what the register said about a person on the day it was issued,
  kept as issued, with an unguessable verification code that anyone holding the paper can check
  on the public site (电子证照).
- ECredential (医保电子凭证): the credential a person claimed; one active per person.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from yibao.cases.models import AppendOnly, new_verify_code
from yibao.core.masking import mask_id_number, mask_name


class Certificate(AppendOnly):
    """参保凭证 as issued. `content` holds the certified facts (never recomputed)."""

    number = models.CharField("凭证编号", max_length=48, unique=True)
    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="certificates",
                               verbose_name="参保人员")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="出具地区")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    content = models.JSONField("凭证内容", default=dict)
    verify_code = models.CharField("核验码", max_length=32, unique=True, default=new_verify_code, editable=False)
    issued_at = models.DateTimeField("出具时间", default=timezone.now)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="出具人")

    class Meta:
        verbose_name = "参保凭证"
        verbose_name_plural = "参保凭证"
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return f"{self.number} {mask_name(self.content.get('name', ''))}"

    @property
    def masked_id(self):
        return mask_id_number(self.content.get("id_number", ""))


class CredentialStatus(models.TextChoices):
    ACTIVE = "active", "已激活"  # in use
    REVOKED = "revoked", "已注销"  # ended (death, replaced); kept as history


class ECredential(models.Model):
    """医保电子凭证."""

    person = models.ForeignKey("enrollment.Person", on_delete=models.PROTECT, related_name="e_credentials",
                               verbose_name="参保人员")
    region = models.ForeignKey("catalog.Region", on_delete=models.PROTECT, related_name="+", verbose_name="参保地")
    number = models.CharField("凭证号", max_length=40, unique=True)
    status = models.CharField("状态", max_length=10, choices=CredentialStatus.choices, default=CredentialStatus.ACTIVE)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="办件")
    activated_at = models.DateTimeField("激活时间", default=timezone.now)
    revoked_at = models.DateTimeField("注销时间", null=True, blank=True)

    class Meta:
        verbose_name = "医保电子凭证"
        verbose_name_plural = "医保电子凭证"
        ordering = ["-activated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status=CredentialStatus.ACTIVE),
                                    name="e_credential_one_active_per_person"),
        ]

    def __str__(self):
        return f"{self.person} {self.get_status_display()}"

    @property
    def masked_number(self):
        return mask_id_number(self.number)
