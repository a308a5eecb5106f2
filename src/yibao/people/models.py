"""Who uses the system: public accounts (applicants), staff with their roles, login attempts."""
from django.conf import settings
from django.db import models
from django.utils import timezone

from yibao.catalog.models import Region
from yibao.core.masking import MaskedIdentity, mask_id_number


class ApplicantKind(models.TextChoices):
    """Who holds a public account."""

    PERSON = "person", "个人"  # an insured person (or their agent)
    EMPLOYER = "employer", "参保单位"  # logs in with its USCC
    PROVIDER = "provider", "定点医药机构"  # logs in with its 定点医药机构编码


class IdType(models.TextChoices):
    """The identity document an account is keyed on (有效身份证件 as the guides list them, R09)."""

    RESIDENT_ID = "resident_id", "居民身份证"
    PASSPORT = "passport", "护照"
    HK_MACAO_PERMIT = "hk_macao_permit", "港澳居民来往内地通行证"
    HMT_RESIDENCE = "hmt_residence", "港澳台居民居住证"
    FOREIGNER_PR = "foreigner_pr", "外国人永久居留证"
    HOUSEHOLD = "household", "户口簿"
    RESIDENCE_PERMIT = "residence_permit", "居住证"
    USCC = "uscc", "统一社会信用代码"
    PROVIDER_CODE = "provider_code", "定点医药机构编码"


# Which document each kind of account may be keyed on.
ID_TYPES_BY_KIND = {
    ApplicantKind.PERSON: [
        IdType.RESIDENT_ID,
        IdType.PASSPORT,
        IdType.HK_MACAO_PERMIT,
        IdType.HMT_RESIDENCE,
        IdType.FOREIGNER_PR,
        IdType.HOUSEHOLD,
        IdType.RESIDENCE_PERMIT,
    ],
    ApplicantKind.EMPLOYER: [IdType.USCC],
    ApplicantKind.PROVIDER: [IdType.PROVIDER_CODE],
}


class Role(models.TextChoices):
    """What a staff member may do; a member may hold several."""

    CLERK = "clerk", "窗口受理"  # accept, request correction, refuse, complete
    REVIEWER = "reviewer", "审核"  # review, approve, deny, complete
    PAYER = "payer", "拨付"  # pay
    SUPERVISOR = "supervisor", "科室负责人"  # reassign, follow up bad ratings, dashboards
    ADMIN = "admin", "系统管理员"  # everything, in every region


class Applicant(MaskedIdentity, models.Model):
    """A public account: a person, an employer or a designated provider."""

    Kind = ApplicantKind
    IdType = IdType

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant", verbose_name="登录账号"
    )
    kind = models.CharField("类型", max_length=16, choices=ApplicantKind.choices)
    id_type = models.CharField("证件类型", max_length=20, choices=IdType.choices)
    id_number = models.CharField("证件号码", max_length=32)
    name = models.CharField("姓名/名称", max_length=200)
    phone = models.CharField("联系电话", max_length=20)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="applicants", verbose_name="参保地"
    )
    created_at = models.DateTimeField("注册时间", auto_now_add=True)

    class Meta:
        verbose_name = "申请人账户"
        verbose_name_plural = "申请人账户"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["id_type", "id_number"], name="applicant_unique_identity"),
            # One number, one account, whatever the document: a 户口簿 or 居住证 carries the
            # holder's 身份证号, and login looks the number up without its type.
            models.UniqueConstraint(fields=["id_number"], name="applicant_unique_id_number"),
        ]

    def __str__(self):
        return f"{self.name}（{self.masked_id}）"


class StaffProfile(models.Model):
    """A staff member of one region's agency, at one office, with roles."""

    Role = Role

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name="登录账号"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="staff", verbose_name="所属地区")
    # The office name as the region's guide lists it (市本级, 通川区, 市医保事务中心 ...).
    office = models.CharField("经办机构", max_length=200, blank=True)
    office_ref = models.ForeignKey("catalog.Office", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="经办机构（办事指南）")
    roles = models.JSONField("角色", default=list, blank=True)
    active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = "工作人员"
        ordering = ["region__sort_order", "office", "user__username"]

    def __str__(self):
        return f"{self.user.get_username()}（{self.region.name} {self.office}）"

    @property
    def role_names(self):
        labels = dict(Role.choices)
        return "、".join(labels.get(r, r) for r in self.roles)


class LoginOutcome(models.TextChoices):
    SUCCESS = "success", "成功"  # right password
    FAILURE = "failure", "失败"  # wrong identifier or password; counts towards the lock
    LOCKED = "locked", "已锁定"  # refused unchecked while locked; does not extend the lock
    REGISTER = "register", "注册"  # a registration tried from this IP; counts towards its own limit


class LoginAttempt(models.Model):
    """One login attempt, kept in the database so the lock holds across processes."""

    identifier = models.CharField("登录名", max_length=150)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)
    outcome = models.CharField("结果", max_length=10, choices=LoginOutcome.choices)

    class Meta:
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["identifier", "at"], name="loginattempt_identifier_at"),
            models.Index(fields=["ip", "at"], name="loginattempt_ip_at"),
            models.Index(fields=["at"], name="loginattempt_at"),  # pruning
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {mask_id_number(self.identifier)} {self.get_outcome_display()}"


class Authorisation(models.Model):
    """授权委托 given online: the principal, in their own account, lets another account apply online
    in their name (帮办代办). Without one, an application for someone else is made at a window,
    where staff check the written 授权委托书."""

    principal = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="authorisations_given",
                                  verbose_name="委托人")
    agent = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="authorisations_held",
                              verbose_name="代理人")
    granted_at = models.DateTimeField("授权时间", default=timezone.now)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "授权委托"
        verbose_name_plural = "授权委托"
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["principal", "agent"], condition=models.Q(revoked_at=None),
                                    name="authorisation_one_active"),
            models.CheckConstraint(condition=~models.Q(principal=models.F("agent")), name="authorisation_not_self"),
        ]

    def __str__(self):
        return f"{self.principal} → {self.agent}"
