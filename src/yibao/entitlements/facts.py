"""Facts a recognition takes from a register built elsewhere, behind one function: the level and
ownership of the hospital that issued the records. The designated-provider register (providers
app, issue 14) will answer; until it lands, the level the applicant declared in the case data."""


def provider_facts(data):
    """(level 一级/二级/三级, public) of the provider named in the case data (declared, for now)."""
    return data["provider_level"], bool(data.get("provider_public"))
