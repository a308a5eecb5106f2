"""Cases that have issued one notice of every kind, on an item whose guide lists an office with
a phone: shared by the PDF tests and the portal's document pages."""
import hashlib

from yibao.cases import actions
from yibao.cases.models import DeferralRule, NoticeKind
from yibao.catalog.guides.parsed import (
    ParsedGuide,
    ParsedItem,
    ParsedMaterial,
    ParsedOffice,
    ParsedStage,
    ParsedTimeLimit,
)
from yibao.catalog.guides.store import save_guide
from yibao.core.models import Channel

W = Channel.WINDOW
TITLE = "门诊慢特病病种待遇认定"
PHONE = "0818-2144557"
MATERIALS = ["有效身份证件", "门诊病历或出院记录", "诊断证明书"]
REFUSAL = "申请人不属于本统筹地区参保人员，请向参保地医保经办机构申请"
DENIAL = "诊断证明书所载病种不在本地区门诊慢特病病种目录内"
DEFECT = "证件已过有效期"


def item(region, *, materials=MATERIALS, days=20):
    text = f"{region.code} documents {len(materials)} {days}"
    parsed = ParsedGuide(
        source="documents.txt", content_hash=hashlib.sha256(text.encode()).hexdigest(), text=text, family="test",
        items=[ParsedItem(
            ordinal=1, code="chronic-disease", title=TITLE, name=TITLE,
            query_text="可通过四川医保APP查询办理进度。",
            materials=[ParsedMaterial(name=m) for m in materials],
            time_limits=[ParsedTimeLimit(working_days=days)],
            stages=[ParsedStage(name=s) for s in ["申请", "受理", "审核", "办结"]],
            offices=[ParsedOffice("市本级", address="市政务服务中心3楼", consult_phones=[PHONE])],
        )],
    )
    guide, _ = save_guide(parsed, region, edition="2024年版")
    return guide.items.get()


def submit(item, applicant, materials=None):
    keys = [m.ordinal for m in item.materials.all()] if materials is None else materials
    return actions.submit_case(item=item, applicant=applicant, actor=applicant.user, channel=W, office="市本级",
                               materials=keys)


def issue_all(item, applicant, clerk, reviewer):
    """{kind: Notice}: a receipt (with one material owed under 容缺受理) and a completion notice,
    a correction notice naming a defective and two missing materials, a refusal and a denial."""
    DeferralRule.objects.create(item_code=item.code, material=MATERIALS[2], working_days=5)
    done = submit(item, applicant, materials=[1, 2])
    actions.accept_case(done, clerk, channel=W)
    actions.supply_materials(done, applicant.user, channel=W, materials=[3])
    actions.start_review(done, reviewer, channel=W)
    actions.approve_case(done, reviewer, channel=W)
    actions.complete_case(done, reviewer, channel=W)

    corrected = submit(item, applicant, materials=[1])
    actions.request_correction(corrected, clerk, channel=W, defects=[{"key": "1", "problem": DEFECT}])

    refused = submit(item, applicant)
    actions.refuse_case(refused, clerk, channel=W, reason=REFUSAL)

    denied = submit(item, applicant)
    actions.accept_case(denied, clerk, channel=W)
    actions.start_review(denied, reviewer, channel=W)
    actions.deny_case(denied, reviewer, channel=W, reason=DENIAL)

    notices = {}
    for case in (done, corrected, refused, denied):
        for notice in case.notices.all():
            notices.setdefault(notice.kind, notice)  # the first case's receipt: the one with 容缺
    assert set(notices) == set(NoticeKind.values)
    return notices
