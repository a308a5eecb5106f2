"""Reading the disease lists and the entitlement register."""
from django.db.models import Q

from yibao.entitlements.models import Disease, Entitlement, EntitlementHistory, EntitlementStatus, RecognitionSite


def diseases(region, scheme, on, kind=None):
    """The disease list of `region` and `scheme` in force on `on`: per code the latest version not
    after `on`, the region's own where it has one, else every region's default; inactive ones left out."""
    rows = Disease.objects.filter(Q(region=region) | Q(region=None), scheme=scheme, effective_from__lte=on)
    if kind:
        rows = rows.filter(kind=kind)
    best = {}
    for row in rows.order_by("code", "effective_from"):
        current = best.get(row.code)
        # the region's own beats the default; a later version beats an earlier one of the same origin
        if current is None or (row.region_id and not current.region_id) or (
                bool(row.region_id) == bool(current.region_id) and row.effective_from >= current.effective_from):
            best[row.code] = row
    return sorted((d for d in best.values() if d.active), key=lambda d: d.code)


def disease(region, scheme, code, on, kind=None):
    return next((d for d in diseases(region, scheme, on, kind) if d.code == code), None)


def active_entitlements(person):
    return Entitlement.objects.filter(person=person, status=EntitlementStatus.ACTIVE).select_related("disease")


def covering(person, disease_code, on):
    """The person's entitlement for `disease_code` in force on `on`, or None."""
    return Entitlement.objects.filter(person=person, disease_code=disease_code, status=EntitlementStatus.ACTIVE,
                                      valid_from__lte=on, valid_to__gte=on).select_related("disease").first()


def disease_names():
    return dict(Disease.objects.values_list("code", "name"))


def recognition_sites(region, kind, on):
    """The hospitals `region` named for recognising `kind` on `on` (R44), as RecognitionSite rows
    with their providers; empty when the region names none (the level rule alone applies)."""
    return list(RecognitionSite.objects.filter(Q(valid_to=None) | Q(valid_to__gte=on), region=region, kind=kind,
                                               valid_from__lte=on).select_related("provider").order_by("provider__code"))


def revocable(region, *, search=""):
    """The region's entitlements in force, for the workbench's revoke page (by ID number or disease)."""
    rows = (Entitlement.objects.filter(region=region, status=EntitlementStatus.ACTIVE)
            .select_related("person", "disease", "case"))
    search = (search or "").strip().upper()
    if search:
        rows = rows.filter(Q(person__id_number=search) | Q(disease_code=search) | Q(person__name=search))
    return list(rows.order_by("-created_at", "-id")[:200])


def history_of(entitlements):
    """{entitlement id: [its history rows, oldest first]} in one query."""
    out = {}
    for row in EntitlementHistory.objects.filter(entitlement__in=[e.pk for e in entitlements]).order_by("at", "id"):
        out.setdefault(row.entitlement_id, []).append(row)
    return out
