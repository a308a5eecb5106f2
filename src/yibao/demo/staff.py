"""The demo staff of a region (the printed demo accounts), by the part each plays: one place that
the demo's registers and its cases both ask."""
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from yibao.catalog.office_refs import region_office_names


@dataclass
class Team:
    clerk: object
    reviewer: object
    reviewer2: object
    maker: object
    checker: object
    cashier: object
    supervisor: object
    office: str


def team(region):
    users = {u.username: u for u in get_user_model().objects.filter(username__startswith=f"{region.code}-")}
    get = lambda suffix: users[f"{region.code}-{suffix}"]  # noqa: E731
    offices = region_office_names(region.pk)
    profile_office = get("clerk").staff_profile.office if hasattr(get("clerk"), "staff_profile") else ""
    return Team(get("clerk"), get("reviewer"), get("reviewer2"), get("payer"), get("payer2"), get("payer3"),
                get("supervisor"), profile_office or (offices[0] if offices else ""))
