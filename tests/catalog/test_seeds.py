"""The five shipped guides, imported, against what the files say (seed-analysis §1–§6)."""
import pytest

from yibao.catalog.models import Guide, ServiceItem

pytestmark = pytest.mark.django_db

COUNTS = {"000": 38, "001": 40, "002": 36, "003": 30, "004": 34}

# Working days as each file states them (seed-analysis §2.1), by item code; lists are split limits.
LIMITS = {
    "000": {
        "unit-enrollment": 3, "employee-enrollment": [("在职职工", 3), ("灵活就业人员", 0)], "resident-enrollment": 0,
        "contribution-base": 3, "lump-sum-contribution": 5, "account-withdrawal": 15, "relation-transfer": 15,
        "remote-retiree": [("线下", 0), ("线上", 2)], "remote-emergency": [("线下", 0), ("线上", 2)],
        "chronic-disease": 20, "two-diseases": 10, "maternity-medical-payment": 20,
        "special-drugs": [], "hospital-designation": [], "pharmacy-settlement": [],
    },
    "001": {
        "unit-enrollment": 3, "employee-enrollment": [("在职职工", 3), ("灵活就业人员", 0)],
        "flexible-contribution": 0, "lump-sum-contribution": 5, "account-transfer": 15, "relation-transfer": 20,
        "remote-retiree": 0, "chronic-disease": 20, "special-drugs": 20, "inpatient-reimbursement": 30,
        "maternity-allowance": 20, "aid-contribution-subsidy": 15, "hospital-designation": 60,
        "provider-resumption": 10, "provider-remote-settlement": 22, "pharmacy-settlement": 30,
    },
    "002": {
        "unit-enrollment": 3, "account-withdrawal": 15, "relation-transfer": 20, "two-diseases": 10,
        "provider-remote-settlement": 22, "pharmacy-designation": 60, "hospital-settlement": 30,
    },
    "003": {
        "unit-enrollment": 0, "employee-enrollment": [("在职职工", 5), ("灵活就业人员", 0)], "account-withdrawal": 0,
        "relation-transfer": 20, "hospital-designation": 30, "pharmacy-designation": 30,
        "remote-settlement-help": 0, "aid-reimbursement": 30,
    },
    "004": {
        "unit-enrollment": 1, "employee-enrollment": 0, "lump-sum-contribution": 5, "e-credential": 0,
        "relation-transfer": [("", 15), ("关系转出", 10), ("关系转入", 5)],
        "hospital-designation": [("", 60), ("材料不全一次性告知", 5)],
        "pharmacy-designation": [("", 60), ("材料不全一次性告知", 5)],
        "chronic-disease": 15, "special-drugs": 15, "maternity-allowance": 10, "provider-resumption": 5,
        "remote-temporary": 0,
    },
}


def guide(prefix):
    return Guide.objects.get(source__startswith=prefix)


def item(prefix, ordinal):
    return ServiceItem.objects.get(guide__source__startswith=prefix, ordinal=ordinal)


def limits(service_item):
    return [(t.when, t.working_days) for t in service_item.time_limits.all()]


def materials(service_item):
    return {(m.when, m.name) for m in service_item.materials.all()}


def test_every_seed_has_its_items(seeded_catalog):
    assert {g.source[:3]: g.items.count() for g in seeded_catalog} == COUNTS


def test_regions_and_editions(seeded_catalog):
    assert {g.source[:3]: g.region.code for g in seeded_catalog} == {
        "000": "dazhou", "001": "dazhou", "002": "songpan", "003": "template", "004": "panzhihua",
    }
    assert guide("004").title == "攀枝花市医疗保障经办政务服务事项办事指南"
    # 000 and 001 are two editions of 达州 with the same date: the later import is in force
    in_force = set(Guide.objects.in_force().values_list("source", flat=True))
    assert {s[:3] for s in in_force} == {"001", "002", "003", "004"}


@pytest.mark.parametrize("seed", sorted(LIMITS))
def test_time_limits_as_stated(seeded_catalog, seed):
    for code, expected in LIMITS[seed].items():
        found = ServiceItem.objects.filter(guide__source__startswith=seed, code=code).first()
        assert found is not None, (seed, code)
        want = expected if isinstance(expected, list) else [("", expected)]
        assert limits(found) == want, (seed, code, found.time_limit_text)
        if not want:
            assert "time_limits" in found.missing_fields


def test_every_item_with_a_stated_limit_has_rules(seeded_catalog):
    for service_item in ServiceItem.objects.prefetch_related("time_limits"):
        assert bool(service_item.time_limit_text) == bool(service_item.time_limits.all()), (
            service_item.guide.source, service_item.ordinal
        )


def test_codes_titles_and_warnings(seeded_catalog):
    # 003 #25: the title says 医药机构, the name 医疗机构; #30 repeats 参保人员参保信息查询 under another title
    t25 = item("003", 25)
    assert t25.code == "hospital-designation" and t25.title == "医药机构申请定点协议管理"
    assert any("不一致" in w for w in t25.warnings)
    t30 = item("003", 30)
    assert t30.code == "person-info-query"
    assert any("重复" in w for w in t30.warnings) and any("不一致" in w for w in t30.warnings)
    # 000 #8 and #38 have no name: kept, unknown, warned; #8's position is only a guess
    for ordinal in (8, 38):
        blank = item("000", ordinal)
        assert blank.code.startswith("unknown-") and blank.name == "" and blank.title == ""
        assert any("事项名称为空" in w for w in blank.warnings)
    assert any("推测" in w and "flexible-contribution" in w for w in item("000", 8).warnings)
    assert limits(item("000", 8)) == [("", 0)]
    # titles split over two lines are joined; 004 titles are bare lines
    assert item("000", 21).title == "基本医疗保险参保人员享受门诊慢特病病种待遇认定"
    assert item("003", 23).title == "符合资助条件的救助对象参加城乡居民基本医疗保险个人缴费补贴"
    assert item("002", 35).title == "基本医疗保险定点医疗机构费用结算"
    assert [i.title for i in guide("004").items.all()[:2]] == ["单位参保登记", "职工参保登记"]
    assert item("004", 26).name == "符合资助条件的救助对象参加城乡居民基本医疗保险个人缴费补贴（免申即享）"
    assert item("004", 26).code == "aid-contribution-subsidy"


def test_000_keeps_what_is_there_and_flags_the_rest(seeded_catalog):
    first = item("000", 1)
    assert first.materials.count() == 0 and "materials" in first.missing_fields
    assert {"stages", "query", "evaluation", "notes"} <= set(first.missing_fields)
    assert [c.code for c in first.channels.all()] == ["window", "town", "station", "web"]
    skeleton = item("000", 24)
    assert skeleton.code == "outpatient-reimbursement"
    assert {"service_objects", "channels", "materials", "time_limits", "stages"} <= set(skeleton.missing_fields)
    assert not skeleton.materials.exists() and not skeleton.stages.exists()
    full = item("000", 26)
    assert full.code == "maternity-medical-payment" and full.missing_fields == []
    assert [s.name for s in full.stages.all()] == ["申请", "受理", "审核", "拨付", "办结"]
    # 备注 of 异地安置: `2．网办渠道：…` wrapped over two lines becomes channels
    retiree = item("000", 16)
    codes = [c.code for c in retiree.channels.all()]
    assert {"nhsa-app", "sc-hall", "sc-mini", "sc-gov"} <= set(codes)
    report = guide("000").report
    assert report["items"] == 38 and report["empty_fields"]["materials"] >= 15


def test_materials_with_conditions_seal_and_fallback(seeded_catalog):
    employee = item("001", 2)
    found = materials(employee)
    assert ("在职职工", "《职工基本医疗保险参保登记表》（加盖单位公章）、参保人员有效身份证件复印件") in found
    assert {"灵活就业人员", "港澳台人员", "外国人", "出国定居", "在职转退休", "委托办理"} <= {w for w, _ in found}
    on_job = employee.materials.get(when="在职职工")
    assert on_job.sub_items == ["《职工基本医疗保险参保登记表》（加盖单位公章）", "参保人员有效身份证件复印件"]
    assert on_job.seal_required
    # 003 writes 公项 for 公章
    assert item("003", 1).materials.get(ordinal=2).seal_required
    # 个人承诺书 as fallback: in the material text (异地安置) and from a 备注 rule (趸缴)
    assert item("001", 17).materials.filter(name__contains="异地安置认定材料", commitment_fallback=True).exists()
    assert item("001", 10).materials.get(name="退休审批资料").commitment_fallback
    # 住院: ①② sub-items under a 备注 condition, 急诊, 生育
    inpatient = item("001", 26)
    accident = inpatient.materials.get(when="意外伤害")
    assert accident.sub_items[0] == "住院病历" and accident.commitment_fallback
    assert ("急诊", "急诊诊断证明") in materials(inpatient)
    assert ("生育", "《生育服务证》") in materials(inpatient)
    # 004 死亡 rule with its fallback; 以上…均需加盖单位公章 seals every material
    assert item("004", 2).materials.get(when="死亡").commitment_fallback
    assert all(m.seal_required for m in item("004", 29).materials.all())
    # 003 备注 embedded in the materials
    outpatient = item("003", 17)
    assert "使用限制药品需提供相关医学检查材料。" in outpatient.notes
    assert ("使用限制药品", "相关医学检查材料") in materials(outpatient)
    assert not outpatient.materials.filter(name__startswith="备注").exists()
    # 免申即享 and 无: nothing to hand in, and not reported missing
    assert item("004", 26).materials.count() == 0 and "materials" not in item("004", 26).missing_fields
    assert item("004", 8).materials.count() == 0


def test_stages_in_order(seeded_catalog):
    assert [s.name for s in item("001", 30).stages.all()] == ["申请", "受理", "审核", "拨付", "办结"]  # `5办结`
    assert [s.name for s in item("002", 1).stages.all()] == ["申请", "受理", "审核", "办结"]  # `- 1.申请`
    assert [s.name for s in item("003", 25).stages.all()] == ["受理材料", "审核材料", "现场评估", "公示评估结果"]
    assert [s.name for s in item("001", 7).stages.all()] == ["申请", "受理", "办结"]
    assert item("003", 1).stages.count() == 3


def test_channels_normalised(seeded_catalog):
    def channels(prefix, ordinal):
        return [(c.code, c.conditional, c.applies_to) for c in item(prefix, ordinal).channels.all()]

    assert channels("001", 2) == [("window", False, ""), ("web", True, "")]
    assert channels("001", 8) == [("window", False, ""), ("bank", True, "")]
    assert channels("002", 18) == [("window", False, ""), ("web", True, ""), ("phone", True, ""), ("hospital", True, "")]
    flexible = [c for c in channels("004", 2) if c[2] == "灵活就业人员"]
    assert [c[0] for c in flexible] == ["sc-app", "sc-mini", "hotline", "village"]
    assert ("town", False, "") in channels("004", 2)
    # the trailing `网办渠道：国家医保微信小程序` line of 001 items 17–21
    for ordinal in range(17, 22):
        assert ("nhsa-mini", False, "") in channels("001", ordinal)
    assert [c[0] for c in channels("003", 29)] == ["window", "phone", "web", "social"]
    online = item("004", 17).channels.get(code="gwy-mini")
    assert online.online and online.name == "国务院客户端小程序"


def test_text_fields(seeded_catalog):
    # 001 #26: the office table swallowed the 服务对象 sentence; it is handed back
    assert item("001", 26).service_objects == "未在定点医疗机构联网结算住院费用的基本医疗保险参保人员。"
    assert item("001", 1).query_text == "可通过统筹地区内的经办窗口或拨打咨询电话查询办理进度。"
    assert item("001", 3).evaluation_text == "通过经办窗口办理的可现场评价，通过网络办理的可线上评价。"
    assert item("003", 1).acceptance_unit == "各级医疗保障经办机构。"
    assert item("003", 1).supervision_text == "各级医保部门向社会公布监督电话。"
    assert item("004", 1).query_text.startswith("窗口办理的可向经办窗口查询办理进度和结果")
    assert item("001", 2).notes[3] == "委托办理的，应提供委托人及代理人身份证件原件。"
    # 002 #1: a 备注 line hard-wrapped over a blank line is joined
    assert item("002", 1).notes[0] == "有条件的地区可通过查询市场监管部门“五证合一”数据获取信息并即时办结；"
    # 004 生育津贴: the 评价 heading holds the 备注 text
    allowance = item("004", 25)
    assert allowance.evaluation_text == "" and "evaluation" in allowance.missing_fields
    assert allowance.notes[0].startswith("办理生育保险待遇合并支付")


def test_ocr_noise_dropped_and_reported(seeded_catalog):
    noise = guide("004").report["noise"]
    lines = [n["line"] for n in noise]
    assert lines[0] == 1475 and 2460 in lines and 2477 in lines
    assert all(1475 <= n <= 1478 or 2460 <= n <= 2477 for n in lines)
    pharmacy = item("004", 29)
    assert "biz" not in pharmacy.stages_text and "SRS" not in pharmacy.stages_text
    assert pharmacy.stages.last().name == "办结"
    assert guide("001").report["noise"] == []


def test_offices_attached(seeded_catalog):
    assert item("001", 1).offices.count() == 8
    assert item("002", 1).offices.count() == 1
    assert item("004", 1).offices.filter(office__name="市医保事务中心").exists()
    assert not item("003", 1).offices.exists()
