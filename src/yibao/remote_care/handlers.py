"""The seven remote-care items: six filing kinds and the direct-settlement coordination service.

A filing case says what it asks (新办, 变更 or 取消); its data are checked at submission,
acceptance, approval and 办结 (actions.check_filing), and 办结 writes the register: a filing with
its 备案凭证 (verification code), a change, or a cancellation. Rules: R33 (the limit split by
channel is the engine's, from the guide), R34 trauma, R36 proof or commitment, R37 the 居住证
受理凭证, R38 a refusal states its reason (each refusal is a named error with its message), R39 a
designated provider submits a referral for its patient, R41 the emergency evidence.
"""
import datetime
from typing import Literal

from django.utils import timezone
from pydantic import BaseModel, Field

from yibao.cases.interface import COMMITMENT, Action, DomainCheckFailed, Handler, register
from yibao.enrollment.exceptions import NotEnrolled, NotTheApplicantsRecord, PersonNotFound
from yibao.enrollment.models import OPEN_STATUSES, Person
from yibao.people.models import ApplicantKind
from yibao.remote_care import actions
from yibao.remote_care.exceptions import FilingNotFound, NoBasis, NotReferringProvider
from yibao.remote_care.referrals import referrer_of
from yibao.remote_care.models import (
    HOME_PROVINCE,
    ITEM_KIND,
    PROVINCES,
    Basis,
    Filing,
    FilingAction,
    FilingKind,
    SocialChannel,
)

CHECKED = {Action.SUBMIT, Action.RESUBMIT, Action.ACCEPT, Action.APPROVE, Action.COMPLETE}
NEW, CHANGE, CANCEL = "新办", "变更", "取消"
PROOF_WORD, COMMITMENT_WORD = "证明材料", "个人承诺书"
EVIDENCE = ("急诊抢救病历", "入院记录", "病情诊断证明")  # R41


class FilingData(BaseModel):
    action: Literal[NEW, CHANGE, CANCEL] = Field(NEW, title="申请事项", description="新办、变更或取消备案")
    id_number: str = Field("", max_length=32, title="参保人员证件号码",
                           description="本人申请可不填；定点医疗机构代为申报转诊备案时填写患者的证件号码")
    filing_number: str = Field("", max_length=48, title="原备案编号", description="变更或取消备案时填写")
    province: Literal[("",) + PROVINCES] = Field("", title="就医地（省）")
    city: str = Field("", max_length=40, title="就医地（市、州）")
    start_on: datetime.date | None = Field(None, title="备案开始日期",
                                           description="不填为今天；补办的，填本次入院日期")
    basis: Literal["", PROOF_WORD, COMMITMENT_WORD] = Field(
        "", title="备案依据", description="长期备案：提供证明材料，或以《基本医疗保险异地就医备案个人承诺书》代替")
    residence_permit_receipt: bool = Field(False, title="以居住证受理凭证代替居住证",
                                           description="已申领居住证尚未领取的，可提交受理凭证")
    end_on: datetime.date | None = Field(None, title="临时备案截止日期",
                                         description="不填按参保地规定的有效期；不得少于6个月")
    trauma: bool = Field(False, title="外伤")
    trauma_form: bool = Field(False, title="已填写《四川省省内异地就医外伤入院登记表》")
    admitted_on: datetime.date | None = Field(None, title="补办：入院日期")
    discharge_settled: bool = Field(False, title="补办：本次住院已出院结算")
    referring_provider: str = Field("", max_length=200, title="开具转诊转院证明的定点医疗机构")
    evidence: Literal[("",) + EVIDENCE] = Field("", title="急诊抢救证明",
                                                description="救治医疗机构出具的急诊抢救病历或入院记录或病情诊断证明")


def _enrolled_person(number, region):
    person = Person.objects.filter(id_number=(number or "").strip().upper()).first()
    if person is None:
        raise PersonNotFound("未找到该参保人员的登记信息")
    if not person.enrollments.filter(region=region, status__in=OPEN_STATUSES).exists():
        raise NotEnrolled(f"{person}未在{region.name}参加基本医疗保险，不能办理异地就医备案")
    return person


class FilingHandler(Handler):
    """One of the six 备案 items; `kind` is its filing kind."""

    schema = FilingData
    has_effect = True

    def __init__(self, code):
        self.code = code
        self.kind = ITEM_KIND[code]
        self.label = f"{self.kind.label}备案"

    def _data(self, case):
        return FilingData.model_validate(case.data)

    def person(self, case, data):
        applicant = case.applicant
        if applicant.kind == ApplicantKind.PROVIDER:
            if self.kind != FilingKind.REFERRAL:
                raise NotReferringProvider("定点医疗机构只能代为申报异地转诊人员备案")
            referrer_of(applicant)
            if not data.id_number.strip():
                raise NotReferringProvider("定点医疗机构代为申报的，请填写患者的证件号码", field="id_number")
            return _enrolled_person(data.id_number, case.region)
        if applicant.kind != ApplicantKind.PERSON:
            raise NotTheApplicantsRecord("异地就医备案须由参保人员本人（或其代理人）申请")
        if data.id_number.strip() and data.id_number.strip().upper() != applicant.id_number:
            raise NotTheApplicantsRecord("只能办理本人的异地就医备案；代他人办理请以代理人身份申请", field="id_number")
        return _enrolled_person(applicant.id_number, case.region)

    def filing_of(self, case, data, person):
        number = data.filing_number.strip()
        if not number:
            raise FilingNotFound(f"{data.action}备案请填写原备案编号", field="filing_number")
        filing = Filing.objects.filter(number=number, person=person, region=case.region).first()
        if filing is None:
            raise FilingNotFound(f"未找到本人在{case.region.name}的备案{number}", field="filing_number")
        return filing

    def request(self, case, data):
        """The filing request the case data make (actions.Request)."""
        if not data.province:
            raise DomainCheckFailed("请选择就医地（省）", field="province")
        if data.trauma and data.province == HOME_PROVINCE and not data.trauma_form:
            raise DomainCheckFailed("省内异地就医外伤须填写《四川省省内异地就医外伤入院登记表》", field="trauma_form")
        basis, note = None, []
        if self.kind in (FilingKind.RETIREE, FilingKind.RESIDENT, FilingKind.WORKER):
            basis = {PROOF_WORD: Basis.PROOF, COMMITMENT_WORD: Basis.COMMITMENT}.get(data.basis)
            if basis is None and commitment_supplied(case):
                basis = Basis.COMMITMENT
            if data.residence_permit_receipt and self.kind == FilingKind.RESIDENT and basis == Basis.PROOF:
                note.append("以居住证受理凭证代替居住证")
        else:  # the referral document, the emergency evidence or the ID: proof; a commitment is refused
            basis = Basis.COMMITMENT if data.basis == COMMITMENT_WORD else Basis.PROOF
        if self.kind == FilingKind.EMERGENCY:
            if not data.evidence:
                raise NoBasis("急诊、抢救住院登记备案须提供救治医疗机构出具的急诊抢救病历或入院记录或病情诊断证明",
                              field="evidence")
            note.append(data.evidence)
        referring, by_provider = data.referring_provider.strip(), ""
        if self.kind == FilingKind.REFERRAL:
            if case.applicant.kind == ApplicantKind.PROVIDER:
                by_provider = referrer_of(case.applicant)
                referring = referring or by_provider.split(" ", 1)[1]
            if not referring:
                raise NoBasis("请填写开具转诊转院证明的定点医疗机构", field="referring_provider")
        if data.trauma:
            note.append("外伤（已填外伤入院登记表）")
        applied = timezone.localdate(case.submitted_at)
        # no date given: from the day of 办结 (an online case may be decided days after it came in)
        start = data.start_on or max(applied, timezone.localdate())
        return actions.Request(
            applied_on=applied, kind=self.kind, province=data.province, city=data.city, start_on=start, basis=basis,
            basis_note="；".join(note), trauma=data.trauma, admitted_on=data.admitted_on,
            discharge_settled=data.discharge_settled, end_on=data.end_on, referring_provider=referring,
            submitted_by_provider=by_provider)

    def check(self, case, action, actor):
        if action not in CHECKED:
            return
        data = self._data(case)
        person = self.person(case, data)
        if data.action == NEW:
            actions.check_filing(person, case.region, self.request(case, data))
            return
        filing = self.filing_of(case, data, person)
        on = max(data.start_on or timezone.localdate(), timezone.localdate())
        actions.check_change(filing, FilingAction.CHANGE if data.action == CHANGE else FilingAction.CANCEL, on)
        if data.action == CHANGE:
            self.request(case, data)  # the new place is checked in full by change_filing, under its lock

    def on_complete(self, case, actor):
        data = self._data(case)
        person = self.person(case, data)
        if data.action == NEW:
            filing = actions.file_filing(person, case.region, self.request(case, data), actor=actor,
                                         channel=case.channel, case=case)
            verb = "已备案"
        elif data.action == CHANGE:
            old = self.filing_of(case, data, person)
            request = self.request(case, data)
            request.start_on = max(request.start_on, timezone.localdate())
            filing = actions.change_filing(old, request, actor=actor, channel=case.channel, case=case)
            verb = f"已由备案{old.number}变更为"
        else:
            filing = actions.cancel_filing(self.filing_of(case, data, person), actor=actor, channel=case.channel,
                                           case=case)
            return {"effect": True, "filing": filing.number, "status": filing.get_status_display(),
                    "summary": f"备案{filing.number}已取消，自{filing.ended_on:%Y-%m-%d}起不再有效"}
        return {"effect": True, "filing": filing.number, "verify_code": filing.verify_code,
                "scope": filing.scope, "place": filing.place, "validity": filing.validity_text(),
                "summary": f"{verb}{filing.scope}{filing.get_kind_display()}备案{filing.number}（{filing.place}，"
                           f"{filing.validity_text()}），备案凭证核验码{filing.verify_code}；已通知参保人员"}


def commitment_supplied(case):
    """Did the applicant hand in a 个人承诺书 in place of a material (the checklist's record)?"""
    return any((m or {}).get("by") == COMMITMENT for m in (case.materials or {}).values())


class CoordinationData(BaseModel):
    source: Literal[tuple(SocialChannel.labels)] = Field(title="反映渠道", description="微信、QQ、微博、信访、邮箱等")
    id_number: str = Field("", max_length=32, title="参保人员证件号码", description="本人申请可不填")
    phone: str = Field(min_length=5, max_length=20, title="联系电话")
    insured_place: str = Field(min_length=2, max_length=60, title="参保地")
    care_place: str = Field(min_length=2, max_length=60, title="就医地")
    provider: str = Field("", max_length=200, title="医药机构")
    filing_number: str = Field("", max_length=48, title="备案编号")
    problem: str = Field(min_length=5, max_length=2000, title="需协调的问题")


class SettlementHelp(Handler):
    """异地就医直接结算问题协调服务: a ticket; 办结 records the answer fed back (the 办结 comment)."""

    label = "异地就医直接结算问题协调"
    schema = CoordinationData
    has_effect = True

    def subject(self, case):
        data = CoordinationData.model_validate(case.data)
        number = data.id_number.strip().upper()
        if not number and case.applicant.kind == ApplicantKind.PERSON:
            number = case.applicant.id_number
        person = Person.objects.filter(id_number=number).first() if number else None
        if number and person is None and data.id_number.strip():
            raise PersonNotFound("未找到该参保人员的登记信息", field="id_number")
        filing = None
        if data.filing_number.strip():
            filing = Filing.objects.filter(number=data.filing_number.strip(), person=person).first()
            if filing is None:
                raise FilingNotFound("未找到该参保人员的备案" + data.filing_number.strip(), field="filing_number")
        return data, person, filing

    def check(self, case, action, actor):
        if action in CHECKED:
            self.subject(case)

    def materials(self, entries, case):
        # The guide's "materials" here are facts (证件号码, 联系电话, 参保地、就医地及医药机构信息): the
        # ticket's data carry them, checked by the schema, so they count as given.
        for entry in entries:
            if not entry.supplied:
                entry.supplied = "document"
        return entries

    def on_complete(self, case, actor):
        data, person, filing = self.subject(case)
        answer = (getattr(case, "closing_comment", "") or "").strip()
        if not answer:
            raise DomainCheckFailed("请在办结意见中填写协调结果，反馈给参保群众", field="comment")
        source = next(c for c in SocialChannel if c.label == data.source)
        row = actions.record_coordination(case, person=person, filing=filing, provider=data.provider,
                                          source=source, problem=data.problem, answer=answer, actor=actor)
        return {"effect": True, "coordination": row.pk, "source": data.source,
                "filing": filing.number if filing else "", "summary": f"已协调并反馈：{answer[:100]}"}


HANDLERS = {code: FilingHandler(code) for code in ITEM_KIND}
HANDLERS["remote-settlement-help"] = SettlementHelp()


def register_all():
    for code, handler in HANDLERS.items():
        register(code, handler)
