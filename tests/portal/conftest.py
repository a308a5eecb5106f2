"""Small hand-made guides for the portal's own tests, written through the real guide store.
The shipped guides come from the `seeded_catalog` fixture (tests/conftest.py)."""
import hashlib
from datetime import date

import pytest

from yibao.catalog.guides.parsed import (
    ParsedChannel,
    ParsedGuide,
    ParsedItem,
    ParsedMaterial,
    ParsedOffice,
    ParsedStage,
    ParsedTimeLimit,
)
from yibao.catalog.guides.store import get_or_create_region, save_guide


def parsed_guide(source, items):
    text = source + repr(items)
    return ParsedGuide(
        source=source, content_hash=hashlib.sha256(text.encode()).hexdigest(), text=text, family="test",
        items=items,
    )


def chronic(days, *, materials, offices=(), notes=()):
    return ParsedItem(
        ordinal=1, code="chronic-disease", title="门诊慢特病病种待遇认定", name="门诊慢特病病种待遇认定",
        service_objects="基本医疗保险参保人员",
        channels_text="经办机构窗口、四川医保APP",
        channels=[
            ParsedChannel("window", "经办机构窗口", "经办机构窗口"),
            ParsedChannel("sc-app", "四川医保APP", "四川医保APP", online=True),
        ],
        materials=[ParsedMaterial(name=m, when=w) for m, w in materials],
        time_limit_text=f"不超过{days}个工作日。",
        time_limits=[ParsedTimeLimit(days, text=f"不超过{days}个工作日")],
        stages=[ParsedStage("申请", "参保人员提交申请材料"), ParsedStage("受理"), ParsedStage("审核"), ParsedStage("办结")],
        offices=list(offices),
        notes=list(notes),
    )


def enrolment():
    return ParsedItem(
        ordinal=2, code="employee-enrollment", title="职工参保登记", name="职工参保登记",
        time_limit_text="在职职工参保登记不超过3个工作日、灵活就业人员参保登记即时办结",
        time_limits=[ParsedTimeLimit(3, when="在职职工"), ParsedTimeLimit(0, when="灵活就业人员")],
        materials=[
            ParsedMaterial("《职工基本医疗保险参保登记表》", when="在职职工", seal_required=True),
            ParsedMaterial("死亡证明", commitment_fallback=True, sub_items=["①死亡证", "②火化证"]),
        ],
        channels=[ParsedChannel("window", "经办机构窗口", "经办机构窗口")],
    )


CITY_OFFICE = ParsedOffice(
    "市本级", address="市政务服务中心3楼", hours="9:00-17:00", consult_phones=["0818-2380236"],
    complaint_phones=["0818-2126117"],
)


@pytest.fixture
def small_catalog(db):
    """Two regions (甲市 20 days, 乙县 15 days), an older edition of 甲市, and a template."""
    jia = get_or_create_region("jia", "甲市", area_code="0818", sort_order=10)
    yi = get_or_create_region("yi", "乙县", area_code="0837", sort_order=20)
    tpl = get_or_create_region("tpl", "公共服务事项指南（模板）", is_template=True, sort_order=90)
    old, _ = save_guide(
        parsed_guide("old.txt", [ParsedItem(ordinal=1, code="chronic-disease", missing_fields=["stages"])]),
        jia, edition="旧版", effective_from=date(2020, 1, 1),
    )
    jia_guide, _ = save_guide(
        parsed_guide("jia.txt", [
            chronic(20, materials=[("身份证件", ""), ("病历资料", "")], offices=[CITY_OFFICE],
                    notes=["病历资料包括出院记录或诊断证明。"]),
            enrolment(),
        ]),
        jia, edition="2023年版", effective_from=date(2023, 1, 1),
    )
    yi_guide, _ = save_guide(
        parsed_guide("yi.txt", [
            chronic(15, materials=[("身份证件", ""), ("病历资料", ""), ("检查报告", "住院的")],
                    offices=[ParsedOffice("县医保局", consult_phones=["0837-7232575"])]),
        ]),
        yi, edition="2024年版", effective_from=date(2024, 1, 1),
    )
    tpl_guide, _ = save_guide(parsed_guide("tpl.txt", [enrolment()]), tpl, edition="附件5")
    return {"jia": jia_guide, "yi": yi_guide, "old": old, "tpl": tpl_guide}
