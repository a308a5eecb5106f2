"""yibao remote-care expire | lookup ID_NUMBER PROVINCE [CITY] [--on DATE]"""
import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yibao.core.models import Channel
from yibao.enrollment.models import Person
from yibao.remote_care.actions import expire_filings
from yibao.remote_care.queries import filing_on


class Command(BaseCommand):
    help = "异地就医备案：标记到期的临时备案（expire）；查询某人某日在某地是否已备案（lookup）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        expire = sub.add_parser("expire", help="将有效期已届满的临时备案标记为已过期（每日由定时任务运行）")
        expire.add_argument("--on", help="以该日期为今天（YYYY-MM-DD）")
        lookup = sub.add_parser("lookup", help="某人某日在某地是否已备案，依据哪一备案")
        lookup.add_argument("id_number")
        lookup.add_argument("province")
        lookup.add_argument("city", nargs="?", default="")
        lookup.add_argument("--on", help="日期（YYYY-MM-DD），默认今天")

    def _date(self, text):
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from None

    def handle(self, *args, verb, **options):
        on = self._date(options.get("on"))
        if verb == "expire":
            count = expire_filings(on, channel=Channel.COMMAND)
            self.stdout.write(f"已将{count}件到期的临时备案标记为已过期")
            return
        person = Person.objects.filter(id_number=options["id_number"].strip().upper()).first()
        if person is None:
            raise CommandError("未找到该参保人员")
        on = on or timezone.localdate()
        filing = filing_on(person, on, province=options["province"], city=options["city"])
        if filing is None:
            self.stdout.write(f"{on} 未在{options['province']}{options['city']}备案")
        else:
            self.stdout.write(f"{on} 已备案：{filing.number} {filing.scope}{filing.get_kind_display()} {filing.place} "
                              f"{filing.validity_text()}")
