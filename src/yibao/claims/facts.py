"""Facts a claim takes from registers built elsewhere, each behind one function so that a later
change points it at the register instead of the declaration:

- the hospital level of a visit's provider: the designated-provider register (providers app,
  issue 14) when it lands; until then the level declared in the case data;
- whether a remote visit was filed: the remote-care filings (remote_care app, issue 11) when they
  land; until then the filing the applicant declared (with its number) in the case data.
"""


def hospital_level(invoice):
    """一级 / 二级 / 三级 of the invoice's provider (declared in the case data, for now)."""
    return invoice["provider_level"]


def filing_status(person, invoice):
    """(remote, filed, note) of the visit: a remote visit without a filing is paid at the unfiled ratio."""
    remote = bool(invoice.get("remote"))
    if not remote:
        return False, True, ""
    filed = bool(invoice.get("filed")) and bool((invoice.get("filing_no") or "").strip())
    note = f"异地就医，申报已备案（备案号{invoice['filing_no']}）" if filed else "异地就医，未办理备案"
    return True, filed, note
