"""Every register shown through core.admin.ReadOnlyAdmin can be listed but not added to, changed or
deleted, even by a superuser."""
import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

import yibao.urls  # noqa: F401  (the admin's modules are discovered when the URLs load)
from yibao.core.admin import ReadOnlyAdmin

READ_ONLY = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, ReadOnlyAdmin)
)


def test_the_registers_are_read_only():
    assert ("core", "auditentry") in READ_ONLY and ("cases", "case") in READ_ONLY
    assert len(READ_ONLY) >= 20


@pytest.mark.django_db
@pytest.mark.parametrize("app_label,model_name", READ_ONLY)
def test_listed_but_never_added(client, app_label, model_name):
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    assert client.get(reverse(f"admin:{app_label}_{model_name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == 403
    model_admin = next(a for m, a in admin.site._registry.items() if m._meta.model_name == model_name
                       and m._meta.app_label == app_label)
    request = type("R", (), {"user": get_user_model().objects.get(username="root")})()
    assert not model_admin.has_change_permission(request) and not model_admin.has_delete_permission(request)
