"""Facts a claim takes from registers kept elsewhere, each behind one function, each saying in the
explanation where it came from:

- the hospital level of a visit's provider: the designated-provider register on the date of care
  (entitlements.facts reads it, as recognitions do), the level declared on the invoice only where
  the register does not know the provider (a hospital elsewhere);
- whether a remote visit was filed: the filing register (remote_care.queries.filing_on) for the
  place and date of care — a remote visit it finds no filing for is paid at the unfiled ratio,
  whatever filing number the applicant wrote.
"""
import datetime

from yibao.entitlements.facts import UnknownLevel, provider_facts
from yibao.remote_care.queries import filing_on

# A provider the register knows without a level (未定级, a pharmacy) is paid at the lowest level's ratio.
UNRATED_AS = "一级"


def _date(value):
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))


def hospital_level(invoice):
    """(level 一级/二级/三级, note) of the invoice's provider on the date of care. Raises UnknownLevel
    when the register does not know the provider and the invoice declares no level."""
    found = provider_facts(invoice, _date(invoice["care_date"]))
    if not found.level:
        return UNRATED_AS, f"{found.source}，按{UNRATED_AS}支付"
    return found.level, found.source


def filing_status(person, invoice, region=None):
    """(remote, filed, note) of the visit from the filing register: a remote visit is filed when a
    filing (made by `region`, the claim's insuring region, if given) covered the person for care in
    its province (and city) on the date of care."""
    if not invoice.get("remote"):
        return False, True, ""
    province, city = invoice.get("care_province") or "", (invoice.get("care_city") or "").strip()
    on = _date(invoice["care_date"])
    filing = filing_on(person, on, province=province, city=city, region=region) if province else None
    place = f"{province}{city}" or "就医地"
    if filing is not None:
        return True, True, f"异地就医（{place}），已备案：备案{filing.number}（{filing.validity_text()}）"
    declared = (invoice.get("filing_no") or "").strip()
    said = f"申报的备案号{declared}在登记簿中不覆盖该日该地；" if declared else ""
    return True, False, f"异地就医（{place}），{on:%Y-%m-%d}无有效备案（{said}按未备案支付）"


__all__ = ["UnknownLevel", "filing_status", "hospital_level"]
