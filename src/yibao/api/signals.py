"""A password change (back office, `changepassword`, any set_password) revokes the user's personal
API tokens. Django itself ends the user's other sessions: each session carries a hash of the
password and is refused once it no longer matches."""
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone

from yibao.api.models import ApiToken


@receiver(pre_save, sender=get_user_model(), dispatch_uid="yibao.api.revoke_tokens_on_password_change")
def revoke_tokens_on_password_change(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return  # fixtures, new users and saves that cannot touch the password (last_login) cost nothing
    old = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if old is not None and old != instance.password:
        ApiToken.objects.filter(user_id=instance.pk, revoked_at=None).update(revoked_at=timezone.now())
