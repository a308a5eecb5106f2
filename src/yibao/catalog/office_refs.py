"""Offices as references: the office a case, an event, a rating or a member of staff belongs to
is one of the offices the region's guide in force lists (catalog.Office). Free text is refused
wherever the guide lists offices; a region whose guide lists none keeps the name as given."""
from yibao.catalog.models import Guide, Office


class UnknownOffice(ValueError):
    """The name is not an office of the region's guide in force."""


def region_office_names(region_id):
    guide = Guide.objects.filter(region_id=region_id).in_force().first()
    return list(guide.offices.order_by("ordinal").values_list("name", flat=True)) if guide else []


def resolve(region_id, name):
    """(name, Office or None) for `name` in the region; ("", None) for no office. UnknownOffice
    (Chinese message) for a name the region's guide does not list, when it lists any."""
    name = (name or "").strip()
    if not name:
        return "", None
    guide = Guide.objects.filter(region_id=region_id).in_force().first()
    office = guide.offices.filter(name=name).first() if guide else None
    if office is not None:
        return office.name, office
    listed = region_office_names(region_id)
    if listed:
        raise UnknownOffice("经办机构应为本地区办事指南所列的：" + "、".join(listed))
    return name[:200], None


def match(region_id, name):
    """The Office named `name` in any guide of the region, the newest edition first; None when
    none matches (the data migration maps existing text with this)."""
    return (Office.objects.filter(guide__region_id=region_id, name=(name or "").strip())
            .order_by("-guide__effective_from", "-guide_id").first())
