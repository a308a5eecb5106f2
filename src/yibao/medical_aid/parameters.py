"""The contribution subsidy's parameters in force, and the subsidy they give."""
import datetime

from yibao.medical_aid.models import SubsidyMode, SubsidyParameters


def parameters_for(region, year):
    """category -> SubsidyParameters in force on 1 January of `year` (the region's own, else the default)."""
    on = datetime.date(int(year), 1, 1)
    out = {}
    for p in SubsidyParameters.objects.filter(effective_from__lte=on).order_by("effective_from"):
        if p.region_id == region.pk or (p.region_id is None and out.get(p.category, p).region_id is None):
            out[p.category] = p
    return out


def subsidy(parameters, due):
    """(amount, basis) of the subsidy on a personal contribution `due`."""
    if parameters.mode == SubsidyMode.FULL:
        return due, f"{parameters.get_category_display()}全额资助个人缴费{due}元"
    amount = min(parameters.amount, due)
    return amount, f"{parameters.get_category_display()}定额资助{parameters.amount}元（个人缴费{due}元）"
