"""`yibao remote-care lookup` and `expire` (the sweep cron runs), on the register as the items write it."""
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.remote_care.conftest import place
from yibao.core.models import AuditEntry
from yibao.remote_care.models import Filing, FilingStatus


def run(*args):
    out = io.StringIO()
    call_command("remote-care", *args, stdout=out)
    return out.getvalue()


def test_lookup_and_expire(dazhou, insured, submit, finish):
    ins = insured(dazhou)
    filing = Filing.objects.get(case=finish(submit(dazhou, "remote-emergency", ins.applicant,
                                                   data=place(evidence="入院记录")))[0])
    assert filing.number in run("lookup", ins.person.id_number, "海南省", "三亚市")
    assert "未在广东省备案" in run("lookup", ins.person.id_number, "广东省")
    after = (filing.end_on + datetime.timedelta(days=1)).isoformat()
    assert "未在海南省" in run("lookup", ins.person.id_number, "海南省", "--on", after)
    assert "已将0件" in run("expire")
    assert "已将1件" in run("expire", "--on", after)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.EXPIRED
    assert AuditEntry.objects.filter(action="异地就医备案到期", channel="command").count() == 1
    with pytest.raises(CommandError, match="未找到"):
        run("lookup", "110101199001011234", "海南省")
    with pytest.raises(CommandError, match="日期格式"):
        run("lookup", ins.person.id_number, "海南省", "--on", "yesterday")
    assert timezone.localdate() <= filing.end_on
