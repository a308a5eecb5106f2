"""The written notices of a case, as complete records. Issued only from actions (inside their
transaction); rendering to PDF reads `Notice.content` and adds nothing of substance.
"""
from yibao.cases.models import Notice, NoticeKind
from yibao.cases.snapshot import has_review, is_payment
from yibao.core.audit import acting_user

HOW_TO_FOLLOW = "凭受理编号和申请人证件号码，可通过网上办事大厅、经办窗口或拨打咨询电话查询办理进度和结果"


def _head(case):
    return {
        "receipt_no": case.receipt_no,
        "item": case.title,
        "item_code": case.item_code,
        "edition": case.snapshot.get("edition", ""),
        "applicant": case.applicant.name,
        "applicant_id": case.applicant.masked_id,
        "agent": case.agent.name if case.agent_id else "",
        "office": case.office,
        "acceptance_unit": case.snapshot.get("acceptance_unit", ""),
    }


def _follow(case):
    published = (case.snapshot.get("query_text") or "").strip()
    return f"{HOW_TO_FOLLOW}。{published}" if published else HOW_TO_FOLLOW


def issue(case, kind, content, actor):
    user = acting_user(actor)
    return Notice.objects.create(case=case, kind=kind, content={"title": NoticeKind(kind).label, **content},
                                 issued_by=user)


def receipt(case, actor):
    """受理回执: the limit, the due date, what is owed (容缺) and by when, how to follow the case."""
    if case.limit_days == 0:
        limit = "即时办结"
    elif case.limit_days is None:
        limit = "办事指南未载明办理时限"
    else:
        limit = f"{case.limit_days}个工作日（自受理次日起算，法定节假日除外）"
    steps = [s["name"] for s in case.snapshot.get("stages", [])]
    return issue(case, NoticeKind.RECEIPT, {
        **_head(case),
        "accepted_on": case.accepted_on.isoformat(),
        "time_limit": limit,
        "limit_rule": case.limit_rule,
        "due_date": case.due_date.isoformat() if case.due_date else "",
        "due_provisional": case.due_provisional,
        "sub_deadlines": case.sub_deadlines,
        "stages": steps,
        "review": has_review(case.snapshot),
        "payment": is_payment(case.snapshot),
        "owed_materials": [
            {"name": o["name"], "due": o["due"], "how": "请于期限内补交；补齐前不作出审核决定"} for o in case.owed
        ],
        "how_to_follow": _follow(case),
    }, actor)


def correction(case, items, *, round_no, applicable, actor):
    """一次性告知书: every missing or defective material at once, how to supply each, by when."""
    return issue(case, NoticeKind.CORRECTION, {
        **_head(case),
        "round": round_no,
        "items": items,  # [{"key", "name", "problem", "how", "due"}]
        "applicable": applicable,  # the checklist keys when the notice was issued
        "supply_by": max(i["due"] for i in items),
        "statement": "以上为本事项需补正的全部材料，请一次性补齐后提交；逾期未补正的，视为放弃申请",
        "how_to_follow": _follow(case),
    }, actor)


def refusal(case, reason, actor):
    return issue(case, NoticeKind.REFUSAL, {
        **_head(case),
        "reason": reason,
        "remedy": "如对本决定有异议，可依法申请行政复议或者提起行政诉讼；情况变化后也可重新申请",
    }, actor)


def denial(case, reason, actor):
    return issue(case, NoticeKind.DENIAL, {
        **_head(case),
        "reason": reason,
        "remedy": "如对审核结果有异议，可依法申请行政复议或者提起行政诉讼",
    }, actor)


def completion(case, effect, actor):
    return issue(case, NoticeKind.COMPLETION, {
        **_head(case),
        "result": "已办结",
        "amount": str(case.amount) if case.amount is not None else "",
        "effect": effect,
        "evaluation": "欢迎对本次服务作出评价（非常满意、满意、基本满意、不满意、非常不满意）",
        "how_to_follow": _follow(case),
    }, actor)
