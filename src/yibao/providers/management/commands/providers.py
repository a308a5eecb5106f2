"""`yibao providers list|designation|expire`: the designated providers of a region, one provider's
designation on a date, and the sweep that ends agreements whose period ran out (run daily from cron
or beside the overdue sweep)."""
import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.providers import actions, queries


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        raise CommandError(f"日期格式应为YYYY-MM-DD：{value}") from None


class Command(BaseCommand):
    help = "定点医药机构：名单（list）、定点资格查询（designation）、协议到期处理（expire）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listed = sub.add_parser("list", help="某地区协议履行中的定点医药机构")
        listed.add_argument("--region", required=True, help="地区代码")
        listed.add_argument("--format", choices=["text", "json"], default="text")
        one = sub.add_parser("designation", help="某机构某日是否定点及其等级、性质、类别、直接结算范围")
        one.add_argument("code", help="定点医药机构编码")
        one.add_argument("--on", help="日期 YYYY-MM-DD（默认今天）")
        expire = sub.add_parser("expire", help="协议期已满未续签的协议置为已到期")
        expire.add_argument("--on", help="处理日期 YYYY-MM-DD（默认今天）")

    def handle(self, *args, action, **options):
        if action == "list":
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise CommandError(f"未知的地区代码：{options['region']}")
            rows = queries.public_list(region)
            if options["format"] == "json":
                self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
                return
            for p in rows:
                self.stdout.write(f"{p['code']} {p['name']} {p['kind_label']} {p['level_label']} {p['ownership_label']} "
                                  f"直接结算：{'、'.join(p['scopes']) or '未开通'} 协议期 {p['starts_on']}至{p['ends_on']}")
            self.stdout.write(f"共{len(rows)}家")
        elif action == "designation":
            fact = queries.designation(options["code"], _date(options.get("on")))
            if fact is None:
                raise CommandError(f"未找到定点医药机构：{options['code']}")
            self.stdout.write(json.dumps(fact.as_dict(), ensure_ascii=False, indent=2))
        else:
            on = _date(options.get("on")) or timezone.localdate()
            count = actions.expire_agreements(on, channel=Channel.COMMAND)
            self.stdout.write(f"已到期协议：{count}份")
