from django import forms
from django.contrib import admin

from yibao.catalog import office_refs
from yibao.core.admin import AuditedAdmin
from yibao.core.masking import mask_id_number
from yibao.people.forms import AdminLoginForm
from yibao.people.models import Applicant, LoginAttempt, Role, StaffProfile

# The back office logs in under the same throttle as the public site.
admin.site.login_form = AdminLoginForm


@admin.register(Applicant)
class ApplicantAdmin(AuditedAdmin):
    list_display = ["name", "kind", "id_type", "masked_id", "masked_phone", "region", "created_at"]
    list_filter = ["kind", "id_type", "region"]
    # Exact match only: a partial ID number must not list everyone sharing a birth date.
    search_fields = ["=id_number", "name"]
    raw_id_fields = ["user"]


class StaffProfileForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(label="角色", choices=Role.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = StaffProfile
        fields = ["user", "region", "office", "roles", "active"]

    def clean(self):
        # The office is one the region's guide lists (a reference, not free text).
        cleaned = super().clean()
        region = cleaned.get("region")
        if region is not None:
            try:
                cleaned["office"], self.instance.office_ref = office_refs.resolve(region.pk, cleaned.get("office"))
            except office_refs.UnknownOffice as exc:
                self.add_error("office", str(exc))
        return cleaned


@admin.register(StaffProfile)
class StaffProfileAdmin(AuditedAdmin):
    form = StaffProfileForm
    list_display = ["user", "region", "office", "role_names", "active"]
    list_filter = ["region", "active"]
    search_fields = ["user__username", "office"]
    raw_id_fields = ["user"]

    @admin.display(description="角色")
    def role_names(self, obj):
        return obj.role_names


@admin.register(LoginAttempt)
class LoginAttemptAdmin(admin.ModelAdmin):
    list_display = ["at", "masked_identifier", "ip", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["=identifier", "=ip"]

    @admin.display(description="登录名")
    def masked_identifier(self, obj):
        return mask_id_number(obj.identifier)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
