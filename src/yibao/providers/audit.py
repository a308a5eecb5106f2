"""The audit rules of a settlement (费用审核), run over every claim line of a file in one pass.

Each rule is a line's fault with a code and a Chinese name; a line that breaks any has its whole
fund share rejected in the preliminary result, and is kept (FlaggedLine) for the provider's answer
and the re-review. The facts the rules need from other registers come through the functions below,
looked up once per chunk of lines, never per line.

Every line gets a fingerprint (line_key): 8 bytes of BLAKE2b over what makes a claim the same claim
(patient, visit, item, date, amount). Within the file it finds the duplicates; kept per submission
(ClaimKeys), it finds a line claimed again in a later period's file."""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from hashlib import blake2b
from itertools import islice

from yibao.enrollment.models import Enrollment, EnrollmentStatus, Person
from yibao.remote_care.models import HOME_PROVINCE, Filing
from yibao.remote_care.queries import filing_on

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


def place_of(region):
    """(province, city) where a provider of `region` gives care, as the filing register names a
    place: every region of this deployment is in Sichuan; the city (市/州) is read from the region's
    full name (四川省阿坝藏族羌族自治州松潘县 -> 阿坝藏族羌族自治州), "" when it has none."""
    rest = (getattr(region, "full_name", "") or "").removeprefix(HOME_PROVINCE)
    for end in ("市", "州"):
        at = rest.find(end)
        if at > 0:
            return HOME_PROVINCE, rest[:at + 1]
    return HOME_PROVINCE, ""


def filings(province, city):
    """filed(lines) -> {line_no: filing number} for the remote lines of a chunk that a remote-care
    filing (异地就医备案) covered on their date, for care in `province`/`city`. The register's own
    lookup (remote_care.queries.filing_on) decides each (person, day); one query per chunk first
    narrows to the persons with any filing for the province, so the many with none cost nothing."""
    answers = {}

    def filed(lines):
        numbers = {line.patient_id for line in lines}
        candidates = set(Filing.objects.filter(person__id_number__in=numbers, province=province)
                         .values_list("person__id_number", flat=True))
        persons = {p.id_number: p for p in Person.objects.filter(id_number__in=candidates)} if candidates else {}
        out = {}
        for line in lines:
            person = persons.get(line.patient_id)
            if person is None:
                continue
            key = (person.pk, line.visit_on)
            if key not in answers:
                filing = filing_on(person, line.visit_on, province=province, city=city)
                answers[key] = filing.number if filing else None
            if answers[key]:
                out[line.line_no] = answers[key]
        return out

    filed.place = (province, city)
    return filed


def no_earlier(keys, since):
    return {}


def line_key(patient_id, visit_no, item_code, visit_on, amount):
    """The claim's fingerprint (an unsigned 64-bit int), the same in every process and period."""
    text = f"{patient_id}\x1f{visit_no}\x1f{item_code}\x1f{visit_on}\x1f{amount}"
    return int.from_bytes(blake2b(text.encode(), digest_size=8).digest(), "big")


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
    notes: dict = field(default_factory=dict)  # line_no -> what the audit found (the filing, the earlier claim)
    keys: list = field(default_factory=list)  # the fingerprints of the period's lines (for later periods)


def _note(notes, line_no, text):
    notes[line_no] = f"{notes[line_no]}；{text}" if line_no in notes else text


def _mask(periods, first, span):
    """The days of the period (bit d: first + d days) on which one of `periods` covers."""
    mask = 0
    for start, end in periods:
        lo = max((start - first).days, 0)
        hi = min((end - first).days if end is not None else span - 1, span - 1)
        if lo <= hi:
            mask |= ((1 << (hi - lo + 1)) - 1) << lo
    return mask


def audit(lines, *, first, last, suspended_days, line_ceiling, covered=coverage, filed=None, earlier=no_earlier):
    """Audit `lines` (claims_file.Line) of the period first..last. `suspended_days`: the days the
    provider's agreement was not in force; `line_ceiling`: the policy's ceiling per line in fen;
    `filed(lines)`: {line_no: filing number} of the remote lines a filing covered (filings());
    `earlier(keys, since)`: {key: period} of those fingerprints (of lines dated before the period,
    from `since`) that an earlier settlement of the provider holds. The facts per day are bit masks over the period, so a line costs a few dictionary lookups."""
    result = Result()
    seen = {}  # fingerprint -> the line that had it first
    keys = result.keys
    flagged = result.flagged
    notes = result.notes
    span = (last - first).days + 1
    day_of = {}  # date of the period -> (bit, ISO text)
    for d in range(span):
        day = first + datetime.timedelta(days=d)
        day_of[day] = (d, day.isoformat())
    iso = {}  # ISO text of the dates outside the period
    suspended = set(suspended_days)
    closed = sum(1 << day_of[day][0] for day in suspended if day in day_of)  # the period's suspended days
    periods, masks = {}, {}
    before = {}  # key -> (Line, faults): lines of earlier days, looked for in the earlier settlements
    place = "".join(getattr(filed, "place", ()))
    n_lines = total = claimed = rejected = 0
    lines = iter(lines)
    while True:
        chunk = list(islice(lines, CHUNK))
        if not chunk:
            break
        new = {line.patient_id for line in chunk} - masks.keys()
        if new:
            found = covered(new)
            for pid in new:
                periods[pid] = found.get(pid, ())
                masks[pid] = _mask(periods[pid], first, span)
        remote = [line for line in chunk if line.remote]
        on_file = filed(remote) if (remote and filed is not None) else {}
        for line in chunk:
            no, pid, _, visit, on, code, _, cls, amount, fund, is_remote, filing_no = line
            d, day = day_of.get(on) or (None, None)
            if day is None:
                day = iso.get(on) or iso.setdefault(on, on.isoformat())
            key = int.from_bytes(blake2b(f"{pid}\x1f{visit}\x1f{code}\x1f{day}\x1f{amount}".encode(),
                                         digest_size=8).digest(), "big")
            # the common line breaks no rule: one test of every rule, then the next line
            if (d is not None and (masks[pid] >> d) & 1 and not (closed >> d) & 1 and key not in seen
                    and not is_remote and cls in IN_CATALOGUE and 0 <= fund <= amount <= line_ceiling):
                seen[key] = no
                keys.append(key)
                n_lines += 1
                total += amount
                claimed += fund
                continue
            faults = []
            if d is None:
                faults.append("outside_period")
                if not _covered(periods[pid], on):
                    faults.append("not_insured")
            else:
                if not (masks[pid] >> d) & 1:
                    faults.append("not_insured")
                keys.append(key)
            if on in suspended:
                faults.append("provider_suspended")
            if key in seen:
                faults.append("duplicate")
                _note(notes, no, f"与第{seen[key]}行重复")
            else:
                seen[key] = no
            if is_remote:
                number = on_file.get(no)
                if number is None:
                    faults.append("remote_unfiled")
                    _note(notes, no, f"费用发生日{on}未查到覆盖就医地{place}的异地就医备案"
                          + (f"（申报的备案编号{filing_no}不符）" if filing_no else ""))
                elif filing_no != number:
                    _note(notes, no, f"异地就医备案{number}" + (f"（申报的备案编号{filing_no}不符）" if filing_no else ""))
            if cls not in IN_CATALOGUE:
                faults.append("outside_catalogue")
            if amount < 0 or fund < 0 or fund > amount or amount > line_ceiling:
                faults.append("over_policy")
            n_lines += 1
            total += amount
            claimed += fund
            if faults:
                rejected += fund
                flagged.append((line, faults))
                if d is None and on < first:
                    before.setdefault(key, (line, faults))
    if before:
        # A line of an earlier day that an earlier settlement of the provider holds: claimed twice.
        since = min(line.visit_on for line, _ in before.values())
        for key, where in earlier(before.keys(), since).items():
            line, faults = before[key]
            if "duplicate" not in faults:
                faults.append("duplicate")
            _note(notes, line.line_no, f"已在{where}结算申报中申报")
    by_rule = result.by_rule
    for line, faults in flagged:
        for code in faults:
            rule = by_rule[code]
            rule["lines"] += 1
            rule["amount"] += line.fund_share
    result.lines, result.total_amount, result.claimed, result.rejected = n_lines, total, claimed, rejected
    return result


def period_bounds(period):
    """'2026-11' -> (2026-11-01, 2026-11-30)."""
    year, month = (int(p) for p in period.split("-"))
    first = datetime.date(year, month, 1)
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - datetime.timedelta(days=1)
