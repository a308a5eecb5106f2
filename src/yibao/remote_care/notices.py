"""R38 (审核通过的将申请人异地就医信息备案上传并通知参保人员): each change of a filing is told to the
insured person — the portal accounts of the filed person, and the case's applicant when someone
else (a referring hospital, an agent) applied — as a message in the same transaction as the change.
The upload to the platform the guides name but do not identify listens to signals.filing_changed."""
from yibao.cases.interface import notify
from yibao.people.models import Applicant, ApplicantKind
from yibao.remote_care.models import FilingAction

KIND = "remote_filing"


def _text(filing, action, note):
    if action == FilingAction.FILE:
        changed = f"（{note}）" if note.startswith("由备案") else ""
        return (f"您的异地就医备案已办理{changed}：{filing.scope}{filing.get_kind_display()}备案{filing.number}，"
                f"就医地{filing.place}，{filing.validity_text()}。备案凭证核验码{filing.verify_code}，"
                "可在“我的办件”中下载备案凭证")
    if action == FilingAction.CANCEL:
        return f"您的异地就医备案{filing.number}（{filing.place}）已取消，自{filing.ended_on:%Y-%m-%d}起不再有效"
    if action == FilingAction.EXPIRE:
        return f"您的临时异地就医备案{filing.number}（{filing.place}）有效期已于{filing.end_on:%Y-%m-%d}届满"
    return ""  # a change: the new filing's own message says which it replaced


def recipients(filing, case):
    users = {a.user for a in Applicant.objects.filter(kind=ApplicantKind.PERSON, id_number=filing.person.id_number)
             .select_related("user") if a.user.is_active}
    if case is not None:
        users.add(case.applicant.user)
    return sorted(users, key=lambda u: u.pk)


def tell_insured(filing, action, *, case=None, note=""):
    text = _text(filing, action, note)
    if text:
        notify(recipients(filing, case), case, KIND, text)
