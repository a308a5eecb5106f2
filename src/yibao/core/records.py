"""Rows written once (history, ledgers, issued documents) and the codes that let anyone verify a
document they hold."""
import secrets

from django.db import models

from yibao.core.errors import NamedError


class ImmutableRecord(NamedError):
    """Events, notices, ledger entries and evaluations are history: never changed or deleted."""

    code = "immutable"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecord(f"{self.model._meta.verbose_name}不可修改")

    def delete(self):
        raise ImmutableRecord(f"{self.model._meta.verbose_name}不可删除")


class AppendOnly(models.Model):
    """A row written once: saving it again or deleting it raises."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecord(f"{self._meta.verbose_name}不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecord(f"{self._meta.verbose_name}不可删除")


def new_verify_code():
    return secrets.token_urlsafe(18)  # 24 characters, 144 bits
