"""Every change of a case, one function per verb.

Each runs in one transaction, locks the case (select_for_update), checks the move against the
transition table (states.TRANSITIONS) and the people policy, appends exactly one event per step,
records the audit entry, and announces the change only after commit.
"""
import secrets
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from yibao.cases import attachments, notices
from yibao.cases.checklist import COMMITMENT, Conditions, checklist, missing, normalise_supply
from yibao.cases.deadlines import compute, incompleteness_notice, notice_rules, pick_limit
from yibao.cases.exceptions import (
    AgentNotAuthorised,
    AlreadyRated,
    CaseNotFound,
    ChannelNotOffered,
    ConcurrentUpdate,
    DomainCheckFailed,
    EmptyCorrection,
    FollowUpClosed,
    HandlerIsReviewer,
    InvalidCaseData,
    InvalidTransition,
    ItemNotAvailable,
    MaterialsIncomplete,
    NotInstant,
    OwedMaterialsOutstanding,
    PayerIsApprover,
    ReasonRequired,
    RepeatedCorrection,
    UnknownMaterial,
)
from yibao.cases.handlers import check_paid, flow_problem, handler_for
from yibao.cases.models import (
    ONLINE_CHANNELS,
    Attachment,
    Bundle,
    Case,
    CaseEvent,
    Evaluation,
    FollowUp,
    FollowUpOutcome,
    Level,
    NoticeKind,
    Notification,
)
from yibao.cases.queries import region_offices, reviewers_of
from yibao.cases.receipts import next_receipt_no, prefix_for
from yibao.cases.signals import case_changed
from yibao.cases.snapshot import check_in_force, flow_refusal, freeze, has_review, is_payment, notice_rule_days
from yibao.cases.snapshot import material as frozen_material
from yibao.cases.states import OPEN_STATES, RATABLE_STATES, RUNNING_STATES, Action, CaseState, check_transition
from yibao.catalog import office_refs
from yibao.catalog.models import Region
from yibao.core.audit import acting_user, record, record_many
from yibao.core.audit import entry as audit_entry
from yibao.core.bulk import update_rows
from yibao.core.compiled import insert, prepare_insert
from yibao.core.models import Channel
from yibao.core.numbers import is_digits
from yibao.people import policy
from yibao.people.models import Role, StaffProfile
from yibao.workdays.calendar import due_date, working_days_between

S = CaseState
A = Action
APPLICANT_ROLE, AGENT_ROLE, SYSTEM_ROLE = "申请人", "代理人", "系统"
APPLICATION_CHANNELS = {Channel.WINDOW, Channel.PORTAL, Channel.API, Channel.HOTLINE, Channel.TERMINAL}


# ---------------------------------------------------------------- helpers


def _lock(case, expected_version=None):
    """The case row, locked for this transaction. `expected_version` is the version the caller
    read: if someone moved the case since, the caller gets ConcurrentUpdate, not a silent overwrite."""
    pk = case.pk if isinstance(case, Case) else case
    try:
        locked = Case.objects.select_for_update(of=("self",)).select_related("applicant", "agent").get(pk=pk)
    except Case.DoesNotExist:
        raise CaseNotFound("未找到该办件") from None
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentUpdate(
            "办件已被其他人更新，请刷新后重试", expected=expected_version, current=locked.version
        )
    return locked


def _by_system(actor, channel):
    """The system itself acts (a case opened from another office's document, e.g. 转移接续's
    信息表): only code can ask for this, with no actor on the system channel."""
    return actor is None and channel == Channel.SYSTEM


def _role_of(profile, policy_action):
    """The role recorded on the event: the one the action needs, of those the profile holds."""
    if profile is None:
        return ""
    wanted = policy.ACTIONS.get(policy_action, ("", set()))[1]
    held = sorted(wanted.intersection(profile.roles)) or sorted(profile.roles)
    return Role(held[0]).label if held and held[0] in Role.values else ""


def _authorise_staff(actor, policy_action, case):
    """The acting staff member, resolved once: authorised for the action on `case`; the role recorded."""
    profile = policy.authorise(
        actor,
        policy_action,
        region_id=case.region_id,
        office=case.office,
        applicant_user_id=case.applicant.user_id,
        agent_user_id=case.agent.user_id if case.agent_id else None,
    )
    return _role_of(profile, policy_action)


def _authorise_applicant_side(actor, applicant, agent, region_id, office):
    """The applicant, their agent, or a clerk acting for them at the window (帮办代办)."""
    user = acting_user(actor)
    if user is not None and user.pk == applicant.user_id:
        return APPLICANT_ROLE
    if user is not None and agent is not None and user.pk == agent.user_id:
        return AGENT_ROLE
    return _role_of(policy.authorise(actor, "accept", region_id=region_id, office=office), "accept")


def _office_of(actor, case):
    """(name, catalog Office or None) where the step is taken: the member of staff's office, else the case's.

    The profile is the one policy.check read (cached on the user instance): no second read.
    """
    profile = policy.staff_profile(actor) if actor is not None else None
    if profile and profile.office:
        return profile.office[:200], profile.office_ref_id
    return case.office[:200], case.office_ref_id


def _office(region_id, name):
    """(name, Office or None): an office of the region's guide in force (free text refused)."""
    try:
        return office_refs.resolve(region_id, name)
    except office_refs.UnknownOffice as exc:
        raise InvalidCaseData(str(exc), field="office") from None


def _append(case, action, from_state, actor, channel, *, role, comment="", payload=None):
    return insert(_event(case, action, from_state, actor, channel, role=role, comment=comment, payload=payload))


def _event(case, action, from_state, actor, channel, *, role, comment="", payload=None):
    """The event row of one step, not yet saved."""
    user = acting_user(actor)
    office, office_ref_id = _office_of(user, case)
    return CaseEvent(
        case=case,
        actor=user,
        actor_label=user.get_username() if user else SYSTEM_ROLE,
        actor_role=role or (SYSTEM_ROLE if user is None else ""),
        office=office,
        office_ref_id=office_ref_id,
        channel=channel,
        from_state=from_state,
        to_state=case.state,
        action=action,
        comment=comment,
        payload=payload or {},
    )


def _announce(case, event):
    transaction.on_commit(
        partial(
            case_changed.send, sender=Case, case_id=case.pk, event_id=event.pk, action=event.action, state=case.state
        )
    )


def _move(case, action, actor, channel, *, role, target=None, comment="", payload=None, fields=()):
    """Apply one step: the state from the table, the version, the event, the audit entry."""
    from_state = case.state
    case.state = check_transition(from_state, action, target)
    case.version += 1
    if case.state not in OPEN_STATES:
        case.closed_at = timezone.now()
        fields = (*fields, "closed_at")
    case.save(update_fields=["state", "version", "updated_at", *dict.fromkeys(fields)])
    event = _append(case, action, from_state, actor, channel, role=role, comment=comment, payload=payload)
    record(
        actor=acting_user(actor),
        channel=channel,
        action=A(action).label,
        obj=case,
        summary=f"{case.receipt_no} {case.title}：{S(from_state).label}→{S(case.state).label}",
        changes={"state": [from_state, case.state], **({"payload": payload} if payload else {})},
    )
    _announce(case, event)
    return event


def _notify(users, case, kind, text):
    Notification.objects.bulk_create(Notification(recipient=u, case=case, kind=kind, text=text[:500]) for u in users)


def _notify_applicant(case, kind, text):
    _notify([case.applicant.user], case, kind, text)


def supervisors(region_id):
    """The active supervisors of a region."""
    profiles = StaffProfile.objects.filter(region_id=region_id, active=True).select_related("user")
    return [p.user for p in profiles if Role.SUPERVISOR in p.roles and p.user.is_active]


def _store_supply(case, supplied, round_no):
    for key, how in supplied.items():
        case.materials[key] = {"by": how, "round": round_no}
    conditions = dict(case.conditions)
    conditions["commitments"] = sorted(k for k, v in case.materials.items() if v["by"] == COMMITMENT)
    case.conditions = conditions
    supplied_keys = set(supplied)
    case.owed = [o for o in case.owed if o["key"] not in supplied_keys]


def _meet(case, deadline_from):
    """Mark the sub-deadlines counted from `deadline_from` as met today."""
    today = timezone.localdate().isoformat()
    case.sub_deadlines = [
        {**d, "met_on": today} if d.get("from") == deadline_from and not d.get("met_on") else d
        for d in case.sub_deadlines
    ]


def _notice_deadlines(snapshot, code, received_on):
    """The deadline for a 材料不全 notice: the guide's own rule, else the administrator's ItemRule."""
    published = notice_rules(snapshot.get("time_limits"))
    if published:
        return [incompleteness_notice(received_on, r["working_days"], r["when"]) for r in published]
    days = notice_rule_days(code)
    return [incompleteness_notice(received_on, days)] if days is not None else []


def _check_flow(case, action):
    """Refuse `action` when the item's frozen flow leaves it out (snapshot.flow_refusal)."""
    refusal = flow_refusal(case.snapshot, case.state, action)
    if refusal:
        raise InvalidTransition(refusal, state=case.state, action=action)


def _reason(reason, what):
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(f"{what}须说明理由")
    return reason


# ---------------------------------------------------------------- applicant side


def submit_case(
    *, item, applicant, actor, channel, office="", agent=None, conditions=None, data=None, materials=None, comment="",
    bundle=None, on_open=None, request_key=None,
):
    """申请: open a case for `item` (a ServiceItem of the guide in force) and freeze that item
    (`bundle`: the 合并申请 it is part of, see submit_bundle; `on_open(case)`: called with the case
    built, before the transaction that opens it, returns what to run in that transaction after
    the case's rows, e.g. to log the call; `request_key`: (scope, key, digest of the request), the
    caller's key for this submission, unique per scope: a second case with it is IntegrityError)."""
    check_in_force(item)
    system = _by_system(actor, channel)
    if channel not in APPLICATION_CHANNELS and not system:
        raise InvalidCaseData(f"申请渠道不正确：{channel}", field="channel")
    region = item.guide.region
    office, office_ref = _office(region.pk, office)
    if agent is not None and agent.pk == applicant.pk:
        raise InvalidCaseData("代理人不能是申请人本人")
    role = SYSTEM_ROLE if system else _authorise_applicant_side(actor, applicant, agent, region.pk, office)
    if role == AGENT_ROLE and channel in ONLINE_CHANNELS and not policy.authorised(applicant, agent):
        raise AgentNotAuthorised(
            "代他人网上申请须经本人授权：请申请人登录本人账户授权您为代理人后再申请，"
            "或携带申请人签署的授权委托书到经办窗口办理", field="applicant_id_number")
    handler = handler_for(item.code)
    problem = flow_problem(item)
    if problem:  # said before a case exists, not discovered by a case stuck halfway
        raise ItemNotAvailable(f"该事项暂不能受理：{problem}", code=item.code)
    parsed = Conditions.parse(conditions, agent=agent is not None)
    snapshot, snapshot_text = freeze(item, with_text=True)
    _check_channel_offered(item, snapshot, channel)
    supplied = normalise_supply(snapshot, materials)
    data = handler.validate_data(data, parsed)
    pick_limit(snapshot["time_limits"], parsed, online=channel in ONLINE_CHANNELS)  # undetermined: say so now
    # Built before the transaction, which holds SQLite's one write lock: only the writes go in it.
    today = timezone.localdate()
    case = Case(
        item=item,
        item_code=item.code,
        snapshot=snapshot,
        region=region,
        office=office,
        office_ref=office_ref,
        channel=channel,
        applicant=applicant,
        agent=agent,
        submitted_by=acting_user(actor),
        bundle=bundle,
        conditions=parsed.as_json(),
        data=data,
        state=S.SUBMITTED,
    )
    if request_key is not None:
        case.request_scope, case.request_key, case.request_hash = request_key
    _store_supply(case, supplied, 1)
    case.sub_deadlines = _notice_deadlines(snapshot, item.code, today)
    # The rows' values too are prepared here (the item serialised once per edition): in the
    # transaction, which holds SQLite's one write lock, only the receipt number and the case's id
    # are filled in. Handler.check does not change the case.
    write_case = prepare_insert(case, json_texts={"snapshot": snapshot_text}, late=("receipt_no",))
    event = _event(case, A.SUBMIT, "", actor, channel, role=role, comment=comment,
                   payload={"materials": supplied, "conditions": case.conditions})
    write_event = prepare_insert(event, late=("case",))
    entry = audit_entry(actor=acting_user(actor), channel=channel, action=A.SUBMIT.label, obj=case,
                        changes={"state": ["", S.SUBMITTED]})
    write_entry = prepare_insert(entry, late=("object_id", "summary"))
    opened = on_open(case) if on_open is not None else None
    with transaction.atomic():
        case.receipt_no = next_receipt_no(region, today)
        handler.check(case, A.SUBMIT, actor)
        write_case()
        handler.on_submit(case, actor)
        write_event()
        entry.object_id, entry.summary = str(case.pk), f"{case.receipt_no} {case.title}"[:500]
        write_entry()
        if opened is not None:
            opened()
        _announce(case, event)
    return case


def _check_channel_offered(item, snapshot, channel):
    """An item whose guide names channels, none of them online, is applied for where the guide
    says; staff intake (窗口, 电话, 自助终端) records the channel the person came by, as before. A
    guide silent on channels does not forbid anything."""
    offered = snapshot.get("channels") or []
    if channel not in ONLINE_CHANNELS or not offered or any(c["online"] for c in offered):
        return
    where = "、".join(dict.fromkeys(c["name"] for c in offered))
    offices = "、".join(dict.fromkeys(e.office.name for e in item.offices.select_related("office")))
    raise ChannelNotOffered(
        f"按办事指南，“{snapshot['title']}”不受理网上或接口申请，请到{where}办理" + (f"（{offices}）" if offices else ""),
        field="channel", channels=[c["name"] for c in offered], offices=offices.split("、") if offices else [])


def _bundle_supply(snapshot, shared, own):
    """The materials of one case of a bundle: those handed in once (by name) that its item lists,
    then its own (by key). A material another item lists under the same name is the same paper."""
    by_name = {" ".join(str(n).split()): how for n, how in (shared or {}).items()}
    supplied = {m["key"]: by_name[m["name"]] for m in snapshot.get("materials", []) if m["name"] in by_name}
    return {**supplied, **(own or {})}


def submit_bundle(parts, *, actor, channel, office="", materials=None, comment=""):
    """合并申请: open one case per part in one transaction (all or none), each under its own item,
    applicant, data and limit, linked by one Bundle. `parts`: [{"item", "applicant", "agent",
    "data", "conditions", "materials"}]; `materials`: {material name: document|commitment}
    handed in once and counted for every part whose item lists a material of that name.
    Returns (bundle, cases)."""
    parts = list(parts)
    if not parts:
        raise InvalidCaseData("合并申请至少应包含一个事项", field="items")
    regions = {p["item"].guide.region_id for p in parts}
    if len(regions) != 1:
        raise InvalidCaseData("合并申请的事项应属于同一统筹地区", field="items")
    codes = [p["item"].code for p in parts]
    if len(set(codes)) != len(codes):
        raise InvalidCaseData("同一事项在一次合并申请中只能申请一次", field="items")
    shared = {" ".join(str(n).split()): how for n, how in (materials or {}).items() if str(n).strip()}
    region = parts[0]["item"].guide.region
    with transaction.atomic():
        bundle = Bundle.objects.create(
            bundle_no=f"{prefix_for(region)}-HB-{timezone.localdate():%Y%m%d}-{secrets.token_hex(4).upper()}",
            region=region, channel=channel, submitted_by=acting_user(actor), materials=shared)
        cases = []
        for part in parts:
            item = part["item"]
            cases.append(submit_case(
                item=item, applicant=part["applicant"], agent=part.get("agent"), actor=actor, channel=channel,
                office=office, conditions=part.get("conditions"), data=part.get("data"),
                materials=_bundle_supply(freeze(item), shared, part.get("materials")),
                comment=comment or f"合并申请{bundle.bundle_no}", bundle=bundle))
        record(actor=acting_user(actor), channel=channel, action="合并申请", obj=bundle,
               summary=f"{bundle.bundle_no}：{'、'.join(c.receipt_no for c in cases)}",
               changes={"cases": [c.receipt_no for c in cases], "materials": shared})
    return bundle, cases


def resubmit_case(case, actor, *, channel, materials=None, data=None, conditions=None, comment="",
                  expected_version=None):
    """补正: the applicant supplies what the correction notice named; the case returns to where it was."""
    with transaction.atomic():
        case = _lock(case, expected_version)
        target = case.resume_state or S.SUBMITTED
        check_transition(case.state, A.RESUBMIT, target)
        role = _authorise_applicant_side(actor, case.applicant, case.agent, case.region_id, case.office)
        handler = handler_for(case.item_code)
        fields = ["materials", "conditions", "owed", "round", "resume_state"]
        if conditions is not None:
            parsed = Conditions.parse({**conditions, "commitments": case.conditions.get("commitments", [])},
                                      agent=case.agent_id is not None)
            case.conditions = parsed.as_json()
        if data is not None:
            case.data = handler.validate_data(data, Conditions.parse(case.conditions))
            fields.append("data")
        case.round += 1
        supplied = normalise_supply(case.snapshot, materials)
        _store_supply(case, supplied, case.round)
        last = case.notices.filter(kind=NoticeKind.CORRECTION).order_by("-issued_at", "-id").first()
        current = {e.key for e in checklist(case) if e.missing and e.deferrable_days is None}
        unsupplied = [i["name"] for i in last.content["items"] if i["key"] in current] if last else []
        if unsupplied:
            raise MaterialsIncomplete(f"尚未补齐一次性告知书所列材料：{'、'.join(unsupplied)}", materials=unsupplied)
        payload = {"materials": supplied, "round": case.round}
        if case.paused_on and target in RUNNING_STATES and case.limit_days is not None:
            # 补正 time does not count against the office: the limit grows by the days it took.
            paused = max(working_days_between(case.paused_on, timezone.localdate()), 0)
            if paused:
                case.paused_days += paused
                due = due_date(case.accepted_on, case.limit_days + case.paused_days)
                payload["due_date"] = [case.due_date.isoformat(), due.date.isoformat()]
                case.due_date, case.due_provisional = due.date, due.provisional
        case.paused_on = None
        case.resume_state = ""
        handler.check(case, A.RESUBMIT, actor)
        _move(case, A.RESUBMIT, actor, channel, role=role, target=target, comment=comment, payload=payload,
              fields=[*fields, "paused_on", "paused_days", "due_date", "due_provisional"])
        handler.on_submit(case, actor)
    return case


def supply_materials(case, actor, *, channel, materials, comment="", expected_version=None):
    """补交: materials owed under 容缺受理 (or any other) handed in after acceptance."""
    with transaction.atomic():
        case = _lock(case, expected_version)
        check_transition(case.state, A.SUPPLY)
        role = _authorise_applicant_side(actor, case.applicant, case.agent, case.region_id, case.office)
        supplied = normalise_supply(case.snapshot, materials)
        if not supplied:
            raise UnknownMaterial("请注明补交的材料")
        _store_supply(case, supplied, case.round)
        _move(case, A.SUPPLY, actor, channel, role=role, comment=comment,
              payload={"materials": supplied, "still_owed": [o["name"] for o in case.owed]},
              fields=["materials", "conditions", "owed"])
    return case


def withdraw_case(case, actor, *, channel, reason="", expected_version=None):
    """撤回: the applicant (or their agent) withdraws the case while it is open and not yet paid."""
    with transaction.atomic():
        case = _lock(case, expected_version)
        check_transition(case.state, A.WITHDRAW)
        role = _authorise_applicant_side(actor, case.applicant, case.agent, case.region_id, case.office)
        # The handler hears of every step that ends a case, to release what it reserved (an agreement).
        handler_for(case.item_code).check(case, A.WITHDRAW, actor)
        _move(case, A.WITHDRAW, actor, channel, role=role, comment=(reason or "").strip())
    return case


def attach_material(case, actor, *, channel, material, upload):
    """上传材料: keep a file (PDF, JPEG or PNG by content) for material `material` (its ordinal in
    the frozen item) of an open case. A later file for the same material supersedes the earlier,
    which stays on record. Whether the material counts as supplied is for submit/resubmit/supply."""
    attachments.check(upload)  # refuse before locking anything or writing a byte
    with transaction.atomic():
        case = _lock(case)
        if not case.is_open:
            raise InvalidTransition(f"办件当前状态为“{case.get_state_display()}”，不能再上传材料",
                                    state=case.state, action="attach")
        found = frozen_material(case.snapshot, material)
        if found is None:
            raise UnknownMaterial(f"事项没有序号为 {material} 的申请材料", key=str(material))
        _authorise_applicant_side(actor, case.applicant, case.agent, case.region_id, case.office)
        stored = attachments.store(upload)
        try:
            with transaction.atomic():
                attachment = Attachment.objects.create(
                    case=case, material=int(found["key"]), material_name=found["name"][:500],
                    original_name=attachments.original_name(upload), stored_name=stored.stored_name,
                    content_type=stored.content_type, size=stored.size, sha256=stored.sha256, round=case.round,
                    channel=channel, uploaded_by=acting_user(actor),
                )
                record(actor=acting_user(actor), channel=channel, action="上传材料", obj=attachment,
                       summary=f"{case.receipt_no} {found['name']}（{stored.content_type}，{stored.size}字节）",
                       changes={"case": case.receipt_no, "material": found["key"], "sha256": stored.sha256})
        except BaseException:
            attachments.discard(stored.stored_name)
            raise
    return attachment


def attach_bundle_material(bundle, actor, *, channel, name, upload):
    """上传合并申请材料: the applicant gives the file of material `name` once; each open case of the
    bundle whose item lists a material of that name keeps it (as if uploaded to it: same checks,
    same record). All the bundle's cases or none. Returns the attachments."""
    name = " ".join(str(name or "").split())
    cases = [c for c in Case.objects.filter(bundle=bundle).order_by("id")
             if any(m["name"] == name for m in c.snapshot.get("materials", []))]
    if not cases:
        raise UnknownMaterial(f"合并申请的事项没有名为“{name}”的申请材料", name=name)
    attachments.check(upload)  # refuse before writing a byte
    made = []
    try:
        with transaction.atomic():
            for case in cases:
                key = next(m["key"] for m in case.snapshot["materials"] if m["name"] == name)
                made.append(attach_material(case, actor, channel=channel, material=int(key), upload=upload))
    except BaseException:
        for attachment in made:  # rolled back with the transaction: their files go too
            attachments.discard(attachment.stored_name)
        raise
    return made


# ---------------------------------------------------------------- office side


def accept_case(case, actor, *, channel, comment="", complete=False, expected_version=None):
    """受理: the materials are complete (or what is missing may be owed, 容缺受理); the clock
    starts. complete=True runs a 即时办结 item through review and 办结 in the same sitting."""
    with transaction.atomic():
        case = _lock(case, expected_version)
        check_transition(case.state, A.ACCEPT)
        role = SYSTEM_ROLE if _by_system(actor, channel) else _authorise_staff(actor, "accept", case)
        handler = handler_for(case.item_code)
        handler.check(case, A.ACCEPT, actor)
        lacking = missing(checklist(case))
        blocking = [e.name for e in lacking if e.deferrable_days is None]
        if blocking:
            raise MaterialsIncomplete(
                f"申请材料不齐全，不能受理：{'、'.join(blocking)}。请一次性告知申请人补正", materials=blocking
            )
        today = timezone.localdate()
        case.owed = [
            {"key": e.key, "name": e.name, "due": due_date(today, e.deferrable_days).date.isoformat()} for e in lacking
        ]
        limits = compute(case.snapshot.get("time_limits"), Conditions.parse(case.conditions), online=case.online,
                         accepted_on=today)
        if complete and (limits.limit_days != 0 or is_payment(case.snapshot)):
            raise NotInstant("该事项不是即时办结事项，不能当场办结", limit_days=limits.limit_days)
        case.accepted_on = today
        case.limit_days, case.limit_rule = limits.limit_days, limits.limit_rule
        case.due_date, case.due_provisional = limits.due_date, limits.provisional
        _meet(case, "收到材料之日")
        case.sub_deadlines = [*case.sub_deadlines, *limits.sub_deadlines]
        _move(case, A.ACCEPT, actor, channel, role=role, comment=comment,
              payload={"due_date": case.due_date.isoformat() if case.due_date else None,
                       "limit_days": case.limit_days, "owed": case.owed},
              fields=["owed", "accepted_on", "limit_days", "limit_rule", "due_date", "due_provisional",
                      "sub_deadlines"])
        notices.receipt(case, actor)
        _notify_applicant(case, "accepted", f"您的办件{case.receipt_no}（{case.title}）已受理")
        if complete:
            if has_review(case.snapshot):
                # 即办: the window decides on the spot; each step is still its own event.
                _move(case, A.START_REVIEW, actor, channel, role=role, comment="即时办结")
                _approve(case, actor, channel, role=role, comment="即时办结", amount=None)
            # the clerk's comment is what 办结 says (a ticket's answer), else the plain 即时办结
            _complete(case, actor, channel, role=role, comment=comment or "即时办结", closing_comment=comment)
    return case


def run_instant(case, actor, *, channel, comment=""):
    """即时办结: accept, review and complete in one sitting."""
    return accept_case(case, actor, channel=channel, comment=comment, complete=True)


def _correction_due(case, today, supply_by):
    """The correction deadline: the statutory default, or a date the clerk chose after today and
    no later than the longer of the default and the item's own limit."""
    default = due_date(today, settings.YIBAO_CORRECTION_DAYS).date
    if supply_by is None:
        return default
    latest = due_date(today, max(settings.YIBAO_CORRECTION_DAYS, case.limit_days or 0)).date
    if not today < supply_by <= latest:
        raise InvalidCaseData(f"补正期限应在今天之后、不晚于{latest:%Y-%m-%d}", field="supply_by",
                              earliest=(today + timedelta(days=1)).isoformat(), latest=latest.isoformat())
    return supply_by


def request_correction(case, actor, *, channel, defects=(), comment="", supply_by=None, expected_version=None):
    """一次性告知: one notice naming every missing material (added here, all of them) and every
    defective one (`defects`: [{"key", "problem", "how"}]), how to supply each and by when.

    A later notice may name only what the earlier one could not have: a material it named, one
    supplied since, or one that has come to apply since. Anything else is refused."""
    with transaction.atomic():
        case = _lock(case, expected_version)
        from_state = case.state
        check_transition(from_state, A.REQUEST_CORRECTION)
        role = _authorise_staff(actor, "request_correction", case)
        today = timezone.localdate()
        default_due = (_correction_due(case, today, supply_by)).isoformat()
        entries = checklist(case)
        by_key = {e.key: e for e in entries}
        items = {}
        for defect in defects:
            key = str(defect.get("key", ""))
            if key not in by_key:
                raise UnknownMaterial(f"序号为 {key} 的材料不在本办件的材料清单中", key=key)
            problem = (defect.get("problem") or "").strip()
            if not problem:
                raise ReasonRequired(f"请说明材料“{by_key[key].name}”存在的问题")
            items[key] = {"key": key, "name": by_key[key].name, "problem": problem,
                          "how": (defect.get("how") or "").strip() or _how(by_key[key]), "due": default_due}
        for e in missing(entries):
            items.setdefault(e.key, {"key": e.key, "name": e.name, "problem": "未提交", "how": _how(e),
                                     "due": default_due})
        if not items:
            raise EmptyCorrection("材料齐全且未指出问题，无需告知补正")
        _check_not_repeated(case, items)
        for key, item in items.items():
            if item["problem"] != "未提交":
                case.materials.pop(key, None)  # defective: to be supplied again
        case.resume_state = from_state
        if from_state in RUNNING_STATES:
            case.paused_on = today
        _meet(case, "收到材料之日")
        ordered = sorted(items.values(), key=lambda i: int(i["key"]) if is_digits(i["key"]) else 0)
        _move(case, A.REQUEST_CORRECTION, actor, channel, role=role, comment=comment,
              payload={"items": ordered}, fields=["materials", "resume_state", "paused_on", "sub_deadlines"])
        notices.correction(case, ordered, round_no=case.round, applicable=sorted(by_key), actor=actor)
        _notify_applicant(case, "correction", f"您的办件{case.receipt_no}需补正{len(ordered)}项材料，请查看一次性告知书")
    return case


def _how(entry):
    how = "请提交原件（或加盖公章的复印件）至受理窗口，或通过网上办事大厅上传"
    if entry.commitment_allowed:
        how += "；无法提供的，可提交个人承诺书代替"
    if entry.deferrable_days is not None:
        how += f"；可容缺受理，受理后{entry.deferrable_days}个工作日内补交"
    return how


def _check_not_repeated(case, items):
    earlier = list(case.notices.filter(kind=NoticeKind.CORRECTION).order_by("issued_at", "id"))
    if not earlier:
        return
    named = {i["key"] for n in earlier for i in n.content.get("items", [])}
    last = earlier[-1].content
    could_have = set(last.get("applicable", []))
    late = [
        item["name"]
        for key, item in items.items()
        if key not in named
        and key in could_have
        and (case.materials.get(key) or {}).get("round", 0) <= last.get("round", 0)
    ]
    if late:
        raise RepeatedCorrection(
            f"一次性告知：{'、'.join(late)}在上次告知时即可指出，不得再次要求补正；如确需补正，应由经办机构负责",
            materials=late,
        )


def refuse_case(case, actor, *, channel, reason, comment="", expected_version=None):
    """不予受理, always with its reason in the notice."""
    reason = _reason(reason, "不予受理")
    with transaction.atomic():
        case = _lock(case, expected_version)
        check_transition(case.state, A.REFUSE)
        role = _authorise_staff(actor, "refuse", case)
        handler_for(case.item_code).check(case, A.REFUSE, actor)
        _meet(case, "收到材料之日")
        _move(case, A.REFUSE, actor, channel, role=role, comment=comment or reason, payload={"reason": reason},
              fields=["sub_deadlines"])
        notices.refusal(case, reason, actor)
        _notify_applicant(case, "refused", f"您的办件{case.receipt_no}不予受理：{reason}")
    return case


def start_review(case, actor, *, channel, comment="", expected_version=None):
    with transaction.atomic():
        case = _lock(case, expected_version)
        check_transition(case.state, A.START_REVIEW)
        _check_flow(case, A.START_REVIEW)
        role = _authorise_staff(actor, "review", case)
        handler_for(case.item_code).check(case, A.START_REVIEW, actor)
        _move(case, A.START_REVIEW, actor, channel, role=role, comment=comment)
    return case


def _separate_from_handling(case, actor):
    """经办与审核分离 on a case with a review step: the member of staff who filed it for someone or
    accepted it may not decide it, superusers included. (即时办结 goes through accept_case in one
    sitting and never reaches here.)"""
    user = acting_user(actor)
    if user is None:
        return
    handlers = set(case.events.filter(action=A.ACCEPT).values_list("actor_id", flat=True))
    if case.submitted_by_id is not None and case.submitted_by_id != case.applicant.user_id:
        handlers.add(case.submitted_by_id)
    if user.pk in handlers:
        raise HandlerIsReviewer("经办与审核分离：受理或代为提交该办件的人员不得审核，请由其他审核人员办理")


def approve_case(case, actor, *, channel, comment="", amount=None, expected_version=None):
    """审核通过. For payment items the amount is fixed here (the handler's, else `amount`)."""
    with transaction.atomic():
        case = _lock(case, expected_version)
        check_transition(case.state, A.APPROVE)
        role = _authorise_staff(actor, "approve", case)
        _separate_from_handling(case, actor)
        _approve(case, actor, channel, role=role, comment=comment, amount=amount)
    return case


def _approve(case, actor, channel, *, role, comment, amount):
    check_transition(case.state, A.APPROVE)
    if case.owed:
        names = "、".join(f"{o['name']}（{o['due']}前）" for o in case.owed)
        raise OwedMaterialsOutstanding(f"容缺受理的材料尚未补齐：{names}，补齐后方可作出决定",
                                       materials=[o["name"] for o in case.owed])
    handler = handler_for(case.item_code)
    handler.check(case, A.APPROVE, actor)
    payload = {}
    fields = []
    if is_payment(case.snapshot):
        case.amount = handler.approved_amount(case, amount)
        payload["amount"] = str(case.amount)
        fields.append("amount")
    _move(case, A.APPROVE, actor, channel, role=role, comment=comment, payload=payload, fields=fields)


def decide_by_system(case, *, comment=""):
    """The system reviews and approves a case it opened itself (免申即享: the match of an official
    list against the registers is the review), at the amount its handler computes. Only for a case
    filed on the system channel; paying it still takes three staff members (制单, 复核, 支付确认)."""
    with transaction.atomic():
        case = _lock(case)
        if case.channel != Channel.SYSTEM:
            raise InvalidTransition("只有系统生成的办件可由系统审核", state=case.state, action=A.APPROVE)
        if case.state == S.ACCEPTED and has_review(case.snapshot):
            handler_for(case.item_code).check(case, A.START_REVIEW, None)
            _move(case, A.START_REVIEW, None, Channel.SYSTEM, role=SYSTEM_ROLE, comment=comment)
        _approve(case, None, Channel.SYSTEM, role=SYSTEM_ROLE, comment=comment, amount=None)
    return case


def complete_by_system(case, *, comment=""):
    """办结 by the system of a case it opened itself, once its payment is recorded (免申即享)."""
    with transaction.atomic():
        case = _lock(case)
        if case.channel != Channel.SYSTEM:
            raise InvalidTransition("只有系统生成的办件可由系统办结", state=case.state, action=A.COMPLETE)
        _complete(case, None, Channel.SYSTEM, role=SYSTEM_ROLE, comment=comment)
    return case


def deny_case(case, actor, *, channel, reason, comment="", expected_version=None):
    """审核不通过, always with its reason in the notice."""
    reason = _reason(reason, "审核不通过")
    with transaction.atomic():
        case = _lock(case, expected_version)
        check_transition(case.state, A.DENY)
        role = _authorise_staff(actor, "deny", case)
        _separate_from_handling(case, actor)
        handler_for(case.item_code).check(case, A.DENY, actor)
        _move(case, A.DENY, actor, channel, role=role, comment=comment or reason, payload={"reason": reason})
        notices.denial(case, reason, actor)
        _notify_applicant(case, "denied", f"您的办件{case.receipt_no}审核未通过：{reason}")
    return case


def pay_case(case, actor, *, channel, payee=None, reference="", comment="", expected_version=None):
    """拨付: make the payment order for the approved amount (the handler's payee, else `payee` as
    the payer typed it); the case is 拨付中 until the order's paid event. After a failed order this
    makes the re-issued one. The case's reviewer may not do it (three-person rule)."""
    with transaction.atomic():
        case = _lock(case, expected_version)
        check_transition(case.state, A.PAY)
        _check_flow(case, A.PAY)
        role = _authorise_staff(actor, "pay", case)
        if acting_user(actor) is not None and actor.pk in reviewers_of(case):
            raise PayerIsApprover("审核该办件的人员不得办理拨付，请由其他拨付人员办理")
        handler = handler_for(case.item_code)
        handler.check(case, A.PAY, actor)
        disbursement = handler.on_pay(case, actor, channel, payee=payee) or {}
        if not disbursement.get("order"):
            raise DomainCheckFailed("未生成支付指令，不能拨付")
        _move(case, A.PAY, actor, channel, role=role, comment=comment,
              payload={"amount": str(case.amount), "reference": (reference or "").strip(), "disbursement": disbursement})
    return case


def record_payment(case, actor, *, channel, paid, order_no, reason=""):
    """The payment order's own result reaches its case: paid → 已拨付; failed or cancelled → back to
    审核通过, waiting for a re-issued order. Called by the payments core inside its transaction,
    never by a screen: no case is 已拨付 without a paid order."""
    case = _lock(case)
    action = A.PAYMENT_PAID if paid else A.PAYMENT_FAILED
    check_transition(case.state, action)
    _check_flow(case, action)
    if paid:
        check_paid([(case.pk, order_no)])  # 已拨付 only with an order the payments core holds as paid
    role = _role_of(policy.staff_profile(actor), "pay") if acting_user(actor) else SYSTEM_ROLE
    _move(case, action, actor, channel, role=role, comment=(reason or "")[:300],
          payload={"order": order_no, **({"reason": reason} if reason else {})})
    if not paid:
        _notify(supervisors(case.region_id), case, "payment_failed",
                f"办件{case.receipt_no}的支付指令{order_no}支付失败：{reason}，请重新拨付")
    return case


def record_payments(outcomes, actor, *, channel):
    """record_payment for many cases at once (a bank return file): `outcomes` is
    [(case id, paid, order no, reason)]. The cases are locked in pk order; each gets its event and
    audit entry, written in bulk."""
    by_case = {case_id: (paid, order_no, reason) for case_id, paid, order_no, reason in outcomes}
    # only what a step reads and writes: a return file may settle 100,000 cases
    cases = list(Case.objects.select_for_update(of=("self",)).filter(pk__in=by_case).order_by("pk")
                 .only("id", "receipt_no", "item_code", "snapshot", "region_id", "office", "state", "version"))
    check_paid([(case_id, order_no) for case_id, (paid, order_no, _) in by_case.items() if paid])
    role = _role_of(policy.staff_profile(actor), "pay") if acting_user(actor) else SYSTEM_ROLE
    now, events, audits, failed = timezone.now(), [], [], []
    for case in cases:
        paid, order_no, reason = by_case[case.pk]
        action = A.PAYMENT_PAID if paid else A.PAYMENT_FAILED
        from_state = case.state
        _check_flow(case, action)
        case.state = check_transition(from_state, action)
        case.version += 1
        case.updated_at = now
        events.append(_event(case, action, from_state, actor, channel, role=role, comment=(reason or "")[:300],
                             payload={"order": order_no, **({"reason": reason} if reason else {})}))
        audits.append({"action": A(action).label, "obj": case,
                       "summary": f"{case.receipt_no} {case.title}：{S(from_state).label}→{S(case.state).label}",
                       "changes": {"state": [from_state, case.state], "order": order_no}})
        if not paid:
            failed.append((case, order_no, reason))
    update_rows(cases, ["state", "version", "updated_at"])
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    record_many(audits, actor=acting_user(actor), channel=channel)
    for case, order_no, reason in failed:
        _notify(supervisors(case.region_id), case, "payment_failed",
                f"办件{case.receipt_no}的支付指令{order_no}支付失败：{reason}，请重新拨付")
    for case, event in zip(cases, events):
        _announce(case, event)
    return cases


def complete_case(case, actor, *, channel, comment="", expected_version=None):
    """办结: the handler applies the effect on the registers; the completion notice goes out."""
    with transaction.atomic():
        case = _lock(case, expected_version)
        check_transition(case.state, A.COMPLETE)
        role = _authorise_staff(actor, "complete", case)
        _complete(case, actor, channel, role=role, comment=comment)
    return case


def _complete(case, actor, channel, *, role, comment, closing_comment=None):
    check_transition(case.state, A.COMPLETE)
    _check_flow(case, A.COMPLETE)
    if case.owed:
        raise OwedMaterialsOutstanding(f"容缺受理的材料尚未补齐：{'、'.join(o['name'] for o in case.owed)}")
    handler = handler_for(case.item_code)
    # what staff wrote at 办结 (not a default text), for a handler whose effect records it
    case.closing_comment = comment if closing_comment is None else closing_comment
    handler.check(case, A.COMPLETE, actor)
    effect = handler.on_complete(case, actor) or {}
    _move(case, A.COMPLETE, actor, channel, role=role, comment=comment,
          payload={"handler": type(handler).__name__, "effect": effect})
    notices.completion(case, effect, actor)
    _notify_applicant(case, "completed", f"您的办件{case.receipt_no}（{case.title}）已办结，欢迎评价")


def reassign_case(case, actor, *, office, channel, comment="", expected_version=None):
    """改派: a supervisor hands an open case to another office of its region (市域通办)."""
    office = (office or "").strip()[:200]
    with transaction.atomic():
        case = _lock(case, expected_version)
        check_transition(case.state, A.REASSIGN)
        role = _authorise_staff(actor, "reassign", case)
        offices = region_offices(case.region_id)
        if not office or (offices and office not in offices):
            raise InvalidCaseData("请选择本地区办事指南所列的经办机构：" + "、".join(offices), field="office")
        if office == case.office:
            raise InvalidCaseData(f"办件已由{office}办理，无需改派", field="office")
        before = case.office
        case.office, case.office_ref = _office(case.region_id, office)
        _move(case, A.REASSIGN, actor, channel, role=role, comment=comment,
              payload={"office": [before, office]}, fields=["office", "office_ref"])
    return case


# ---------------------------------------------------------------- deadlines


def overdue_candidates(region_id, today):
    """The region's running cases due before `today` not yet marked: ranges of an index led by
    the region (its states' by due date, or the open cases' by due date; closed_at IS NULL holds
    for every running case), not an index of every case by state, which each submission would
    have to write."""
    return Case.objects.filter(region_id=region_id, closed_at=None, due_date__lt=today, state__in=RUNNING_STATES,
                               overdue=False, paused_on=None).order_by()


def mark_overdue(today=None):
    """Flag the running cases past their due date (one event each) and tell the region's
    supervisors. Returns how many were marked. Safe to run repeatedly."""
    today = today or timezone.localdate()
    marked = 0
    pks = [pk for region_id in Region.objects.values_list("pk", flat=True)
           for pk in overdue_candidates(region_id, today).values_list("pk", flat=True)]  # locked below in pk order
    with transaction.atomic():
        for case in Case.objects.select_for_update().filter(pk__in=pks).order_by("pk"):
            if case.overdue or case.state not in RUNNING_STATES:
                continue
            case.overdue, case.overdue_on = True, today
            case.version += 1
            case.save(update_fields=["overdue", "overdue_on", "version", "updated_at"])
            event = _append(case, A.MARK_OVERDUE, case.state, None, Channel.SYSTEM, role=SYSTEM_ROLE,
                            payload={"due_date": case.due_date.isoformat(), "marked_on": today.isoformat()})
            record(actor=None, channel=Channel.SYSTEM, action=A.MARK_OVERDUE.label, obj=case,
                   summary=f"{case.receipt_no} 已超过办结期限 {case.due_date}")
            _notify(supervisors(case.region_id), case, "overdue",
                    f"办件{case.receipt_no}（{case.title}）已超过办结期限{case.due_date:%Y-%m-%d}，请督办")
            _announce(case, event)
            marked += 1
    return marked


def recompute_due_dates(years):
    """After the calendar of `years` changed: recompute the due dates of running cases that are
    provisional or whose count crosses one of those years. Returns how many changed."""
    years = {int(y) for y in years}
    today = timezone.localdate()
    changed = 0
    candidates = Case.objects.filter(closed_at=None, state__in=RUNNING_STATES).exclude(accepted_on=None).exclude(
        limit_days=None)
    with transaction.atomic():
        for case in candidates.select_for_update().order_by("pk"):
            span = set(range(case.accepted_on.year, (case.due_date or case.accepted_on).year + 1))
            if not case.due_provisional and not span & years:
                continue
            due = due_date(case.accepted_on, case.limit_days + case.paused_days)
            if (due.date, due.provisional) == (case.due_date, case.due_provisional):
                continue
            before = case.due_date
            case.due_date, case.due_provisional = due.date, due.provisional
            case.overdue = case.overdue and today > due.date
            case.version += 1
            case.save(update_fields=["due_date", "due_provisional", "overdue", "version", "updated_at"])
            event = _append(case, A.ADJUST_DUE, case.state, None, Channel.SYSTEM, role=SYSTEM_ROLE,
                            comment="法定节假日安排调整，重新计算办结期限",
                            payload={"due_date": [before.isoformat() if before else None, due.date.isoformat()],
                                     "years": sorted(years)})
            record(actor=None, channel=Channel.SYSTEM, action=A.ADJUST_DUE.label, obj=case,
                   summary=f"{case.receipt_no} 办结期限 {before} → {due.date}")
            _announce(case, event)
            changed += 1
    return changed


# ---------------------------------------------------------------- evaluation


def rate_case(case, actor, *, level, channel, text=""):
    """好差评: the applicant (or agent) rates a finished case once; 差评 opens a follow-up."""
    if level not in Level.values:
        raise InvalidCaseData("评价等级应为：" + "、".join(Level.labels), field="level")
    with transaction.atomic():
        case = _lock(case)
        if case.state not in RATABLE_STATES:
            raise InvalidTransition("办件办结或不予受理后方可评价", state=case.state, action=A.RATE)
        user = acting_user(actor)
        if user is None or user.pk not in (case.applicant.user_id, case.agent.user_id if case.agent_id else None):
            raise policy.NotAllowed("只有申请人或其代理人可以评价该办件")
        if Evaluation.objects.filter(case=case).exists():
            raise AlreadyRated("该办件已评价，评价提交后不可更改")
        staff_event = (
            case.events.exclude(actor=None).exclude(actor_role__in=[APPLICANT_ROLE, AGENT_ROLE]).order_by("-at", "-id").first()
        )
        try:
            with transaction.atomic():
                evaluation = Evaluation.objects.create(
                    case=case, level=level, text=(text or "").strip(), channel=channel, rater=user,
                    region_id=case.region_id, item_code=case.item_code, office=case.office, office_ref_id=case.office_ref_id, staff=staff_event.actor if staff_event else None,
                )
        except IntegrityError:
            raise AlreadyRated("该办件已评价，评价提交后不可更改") from None
        role = APPLICANT_ROLE if user.pk == case.applicant.user_id else AGENT_ROLE
        event = _append(case, A.RATE, case.state, actor, channel, role=role, payload={"level": level})
        record(actor=user, channel=channel, action=A.RATE.label, obj=evaluation,
               summary=f"{case.receipt_no} {Level(level).label}")
        _announce(case, event)
        if evaluation.negative:
            _open_follow_up(case, evaluation)
    return evaluation


def _open_follow_up(case, evaluation):
    today = timezone.localdate()
    due = due_date(today, settings.YIBAO_FOLLOW_UP_DAYS)
    follow_up = FollowUp.objects.create(
        evaluation=evaluation, case=case, region=case.region, opened_on=today, due_date=due.date,
        due_provisional=due.provisional,
    )
    record(actor=None, channel=Channel.SYSTEM, action="差评回访整改", obj=follow_up,
           summary=f"{case.receipt_no} {evaluation.get_level_display()}，{due.date}前核实整改并回访")
    _notify(supervisors(case.region_id), case, "follow_up",
            f"办件{case.receipt_no}收到差评（{evaluation.get_level_display()}），请于{due.date:%Y-%m-%d}前核实、整改并回访")
    return follow_up


def close_follow_up(follow_up, actor, *, outcome, note, channel, called_back_on=None):
    """Close a 差评 follow-up: verified, rectified and called back; or unfounded after appeal review."""
    if outcome not in FollowUpOutcome.values:
        raise InvalidCaseData("处理结果应为：" + "、".join(FollowUpOutcome.labels), field="outcome")
    note = _reason(note, "差评处理")
    if outcome == FollowUpOutcome.RECTIFIED and called_back_on is None:
        raise ReasonRequired("整改后须回访申请人，请填写回访日期")
    with transaction.atomic():
        pk = follow_up.pk if isinstance(follow_up, FollowUp) else follow_up
        follow_up = FollowUp.objects.select_for_update().get(pk=pk)
        policy.check(actor, "follow_up", region_id=follow_up.region_id)
        if follow_up.closed_at is not None:
            raise FollowUpClosed("该差评已处理完毕")
        follow_up.outcome, follow_up.note, follow_up.called_back_on = outcome, note, called_back_on
        follow_up.closed_at, follow_up.closed_by = timezone.now(), acting_user(actor)
        follow_up.save(update_fields=["outcome", "note", "called_back_on", "closed_at", "closed_by"])
        record(actor=acting_user(actor), channel=channel, action="差评处理完毕", obj=follow_up,
               summary=f"{follow_up.case.receipt_no} {FollowUpOutcome(outcome).label}",
               changes={"outcome": outcome, "called_back_on": str(called_back_on or "")})
    return follow_up
