"""The audit rules of a settlement (费用审核), run over every claim line of a file in one pass.

Each rule is a line's fault with a code and a Chinese name; a line that breaks any has its whole
fund share rejected in the preliminary result, and is kept (FlaggedLine) for the provider's answer
and the re-review. The facts the rules need from other registers come through the functions below,
looked up once per chunk of lines, never per line."""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import islice

from yibao.enrollment.models import Enrollment, EnrollmentStatus

RULES = {
    "outside_period": "非本结算期费用",
    "not_insured": "费用发生日未参保",
    "provider_suspended": "协议暂停（中止）期间费用",
    "duplicate": "重复申报",
    "remote_unfiled": "异地就医未备案",
    "outside_catalogue": "目录外项目",
    "over_policy": "超政策标准",
}
IN_CATALOGUE = frozenset({"甲", "乙", "甲类", "乙类"})
CHUNK = 20000
# Enrolments that give benefits on their days; a suspended or interrupted one gives none (its
# start of suspension is not kept on the enrolment, so none of its days is counted: the provider
# may dispute such a line and the re-review decides).
COVERING = (EnrollmentStatus.ACTIVE, EnrollmentStatus.RETIRED, EnrollmentStatus.ENDED)


def coverage(id_numbers):
    """{id_number: [(start_on, end_on or None)]} of the enrolments that gave benefits, any scheme
    and region, for the persons named (one query)."""
    found = defaultdict(list)
    rows = (Enrollment.objects.filter(person__id_number__in=list(id_numbers), status__in=COVERING)
            .values_list("person__id_number", "start_on", "end_on"))
    for number, start, end in rows:
        found[number].append((start, end))
    return found


def has_filing(line):
    """Was the remote visit of `line` covered by a remote-care filing (异地就医备案) on its date?
    For now the fact comes from the line itself (its 备案编号, as the settlement list carries it);
    the remote_care app's filing lookup by person and date replaces this body when it lands."""
    return bool(line.filing_no)


def _covered(periods, on):
    return any(start <= on and (end is None or on <= end) for start, end in periods)


@dataclass
class Result:
    lines: int = 0
    total_amount: int = 0  # fen
    claimed: int = 0  # fen: fund shares claimed
    rejected: int = 0  # fen: fund shares rejected
    by_rule: dict = field(default_factory=lambda: {code: {"lines": 0, "amount": 0} for code in RULES})
    flagged: list = field(default_factory=list)  # [(Line, [rule codes])]


def _mask(periods, first, span):
    """The days of the period (bit d: first + d days) on which one of `periods` covers."""
    mask = 0
    for start, end in periods:
        lo = max((start - first).days, 0)
        hi = min((end - first).days if end is not None else span - 1, span - 1)
        if lo <= hi:
            mask |= ((1 << (hi - lo + 1)) - 1) << lo
    return mask


def audit(lines, *, first, last, suspended_days, line_ceiling, covered=coverage, filed=has_filing):
    """Audit `lines` (claims_file.Line) of the period first..last. `suspended_days`: the days the
    provider's agreement was not in force; `line_ceiling`: the policy's ceiling per line in fen.
    The facts per day are bit masks over the period, so a line costs a few dictionary lookups."""
    result = Result()
    seen = set()
    by_rule = result.by_rule
    span = (last - first).days + 1
    day_of = {first + datetime.timedelta(days=d): d for d in range(span)}
    suspended = set(suspended_days)
    periods, masks = {}, {}
    lines = iter(lines)
    while True:
        chunk = list(islice(lines, CHUNK))
        if not chunk:
            return result
        new = {line.patient_id for line in chunk} - masks.keys()
        if new:
            found = covered(new)
            for pid in new:
                periods[pid] = found.get(pid, ())
                masks[pid] = _mask(periods[pid], first, span)
        for line in chunk:
            faults = []
            on = line.visit_on
            d = day_of.get(on)
            if d is None:
                faults.append("outside_period")
                if not _covered(periods[line.patient_id], on):
                    faults.append("not_insured")
            elif not (masks[line.patient_id] >> d) & 1:
                faults.append("not_insured")
            if on in suspended:
                faults.append("provider_suspended")
            key = hash((line.patient_id, line.visit_no, line.item_code, on, line.amount))
            if key in seen:
                faults.append("duplicate")
            else:
                seen.add(key)
            if line.remote and not filed(line):
                faults.append("remote_unfiled")
            if line.catalogue_class not in IN_CATALOGUE:
                faults.append("outside_catalogue")
            amount, fund = line.amount, line.fund_share
            if amount < 0 or fund < 0 or fund > amount or amount > line_ceiling:
                faults.append("over_policy")
            result.lines += 1
            result.total_amount += amount
            result.claimed += fund
            if faults:
                result.rejected += fund
                for code in faults:
                    rule = by_rule[code]
                    rule["lines"] += 1
                    rule["amount"] += fund
                result.flagged.append((line, faults))


def period_bounds(period):
    """'2026-11' -> (2026-11-01, 2026-11-30)."""
    year, month = (int(p) for p in period.split("-"))
    first = datetime.date(year, month, 1)
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)
