"""Login and registration forms. They parse input; the rules live in identity and actions."""
from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from yibao.catalog.models import Region
from yibao.people import actions
from yibao.people.models import ID_TYPES_BY_KIND, ApplicantKind, IdType


class ThrottledLoginMixin:
    """AuthenticationForm.clean through actions.attempt_login: throttled, recorded, Chinese errors."""

    def clean(self):
        identifier = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if identifier and password:
            try:
                self.user_cache = actions.attempt_login(self.request, identifier, password)
            except actions.LoginRefused as exc:
                raise ValidationError(str(exc), code="invalid_login") from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    def __init__(self, request=None, *args, **kwargs):
        kwargs.setdefault("label_suffix", "：")
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "证件号码 / 统一社会信用代码 / 机构编码 / 工作人员用户名"
        self.fields["password"].label = "密码"


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The back office's login, under the same throttle."""


# Self-service registration is for persons and employers; a provider's account comes with its
# agreement (协议管理) and is created by the agency.
REGISTER_KINDS = [(ApplicantKind.PERSON.value, "个人"), (ApplicantKind.EMPLOYER.value, "参保单位")]


class RegisterForm(forms.Form):
    kind = forms.ChoiceField(label="账户类型", choices=REGISTER_KINDS, initial=ApplicantKind.PERSON)
    id_type = forms.ChoiceField(
        label="证件类型",
        choices=[(t.value, t.label) for t in ID_TYPES_BY_KIND[ApplicantKind.PERSON] + [IdType.USCC]],
        initial=IdType.RESIDENT_ID,
        help_text="参保单位请选择“统一社会信用代码”",
    )
    id_number = forms.CharField(label="证件号码", max_length=40)
    name = forms.CharField(label="姓名 / 单位名称", max_length=200)
    phone = forms.CharField(label="联系电话", max_length=30)
    region = forms.ModelChoiceField(
        label="参保地", queryset=Region.objects.filter(is_template=False), required=False, empty_label="（暂不选择）"
    )
    password = forms.CharField(label="密码", widget=forms.PasswordInput, help_text="至少8位")
    password2 = forms.CharField(label="再次输入密码", widget=forms.PasswordInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "：")
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致")
        return data
