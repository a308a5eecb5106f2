"""Read-only lookups of the catalogue that other apps ask."""
from yibao.catalog.catalogue_codes import looks_like_catalogue_code
from yibao.catalog.models import Guide, ServiceItem


def item_code_for(value, region=None):
    """The item code (employee-enrollment …) that `value` names: `value` itself, or, when it is a
    12-digit 事项编码, the code of the item that carries it in the guides in force (of `region`
    when given). An unknown 事项编码 comes back as it is, so the caller's "not found" applies."""
    if not looks_like_catalogue_code(value):
        return value
    guides = Guide.objects.in_force()
    if region is not None:
        guides = guides.filter(region=region)
    item = (
        ServiceItem.objects.filter(catalogue_code=value.strip(), guide__in=guides)
        .order_by("guide__region__sort_order", "ordinal").only("code").first()
    )
    return item.code if item else value
