"""Two rows of data the register starts with:

- the sample default of the filing parameters for every region (labelled 示例参数): temporary
  filings valid 6 months (the national floor), a commitment filing locked 6 months (common,
  unconfirmed). The guides state neither (R40);
- the long-term filings the stand-in accounts.RemoteFilingRef held, moved onto this register
  (accounts' next migration drops the stand-in). Backwards, they go back.
"""
import datetime
import secrets

from django.db import migrations

SAMPLE_FROM = datetime.date(2020, 1, 1)
SAMPLE_BASIS = ("示例参数：国家规定临时外出就医人员备案有效期原则上不少于6个月；个人承诺备案限制变更、取消的期限由参保地规定"
                "（常见6个月，未经确认）。指南均未规定（R40），请按本地政策设置")
MOVED = "自个人账户模块的异地长期备案登记迁入"
HOME_PROVINCE = "四川省"
PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "广西壮族自治区",
    "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省",
    "宁夏回族自治区", "新疆维吾尔自治区", "新疆生产建设兵团",
)
DAY = datetime.timedelta(days=1)


def split_place(text):
    text = (text or "").strip()
    for province in PROVINCES:
        if text.startswith(province):
            return province, text[len(province):][:40]
    return text[:20], ""


def forwards(apps, schema_editor):
    Parameters = apps.get_model("remote_care", "RemoteCareParameters")
    Parameters.objects.get_or_create(region=None, effective_from=SAMPLE_FROM, defaults={
        "temporary_months": 6, "commitment_lock_months": 6, "sample": True, "basis": SAMPLE_BASIS})
    Ref = apps.get_model("accounts", "RemoteFilingRef")
    Filing = apps.get_model("remote_care", "Filing")
    Event = apps.get_model("remote_care", "FilingEvent")
    for ref in Ref.objects.order_by("pk"):
        province, city = split_place(ref.destination)
        ended = ref.ended_on
        if ref.valid_until is not None:  # a long-term filing has no end date: its end becomes the day it stopped
            ended = min(ended, ref.valid_until + DAY) if ended else ref.valid_until + DAY
        filing = Filing.objects.create(
            number=ref.reference, person_id=ref.person_id, region_id=ref.region_id, kind=ref.kind,
            filing_class="long_term", province=province, city=city, cross_province=ref.cross_province,
            start_on=ref.valid_from, end_on=None, ended_on=ended, basis="proof", basis_note=MOVED,
            status="cancelled" if ended else "valid", case_id=ref.case_id, verify_code=secrets.token_urlsafe(18),
            created_at=ref.created_at)
        # FilingEvent is append-only in the app; the frozen model here is a plain one.
        Event.objects.create(filing=filing, action="file", on=ref.valid_from, note=MOVED, case_id=ref.case_id,
                             channel="system")
        if ended:
            Event.objects.create(filing=filing, action="cancel", on=ended, note=MOVED, channel="system")


def backwards(apps, schema_editor):
    Ref = apps.get_model("accounts", "RemoteFilingRef")
    Filing = apps.get_model("remote_care", "Filing")
    for filing in Filing.objects.filter(filing_class="long_term").order_by("pk"):
        Ref.objects.get_or_create(reference=filing.number, defaults={
            "person_id": filing.person_id, "region_id": filing.region_id, "kind": filing.kind,
            "cross_province": filing.cross_province, "destination": f"{filing.province}{filing.city}"[:100],
            "valid_from": filing.start_on, "valid_until": None, "ended_on": filing.ended_on,
            "case_id": filing.case_id})
    moved = Filing.objects.filter(basis_note=MOVED)
    apps.get_model("remote_care", "FilingEvent").objects.filter(filing__in=moved).delete()
    moved.delete()
    apps.get_model("remote_care", "RemoteCareParameters").objects.filter(region=None, basis=SAMPLE_BASIS).delete()


class Migration(migrations.Migration):
    dependencies = [("remote_care", "0001_initial"), ("accounts", "0002_sample_parameters")]
    operations = [migrations.RunPython(forwards, backwards)]
