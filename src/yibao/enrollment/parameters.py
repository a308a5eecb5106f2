"""Finding the version of the policy parameters (enrollment.models.PolicyParameters) that applies."""
import datetime

from yibao.enrollment.exceptions import ParametersMissing
from yibao.enrollment.models import PolicyParameters, Scheme


def parameters_for(region, scheme, on, *, known_at=None):
    """The version of `region`'s parameters for `scheme` in force on `on`, among the versions
    recorded by `known_at` (a case's submission time; None: all)."""
    versions = PolicyParameters.objects.select_related("region").filter(
        region=region, scheme=scheme, effective_from__lte=on)
    if known_at is not None:
        versions = versions.filter(created_at__lte=known_at)
    found = versions.order_by("-effective_from", "-id").first()
    if found is None:
        raise ParametersMissing(
            f"{region.name}尚未设置{on:%Y年%m月%d日}适用的{Scheme(scheme).label}政策参数，请联系系统管理员",
            region=region.code, on=on.isoformat())
    return found


def month_start(value):
    return datetime.date(value.year, value.month, 1)
