"""`yibao items status [--format json]`: every item code, the handler that runs it, and whether
办结 changes a register."""
import json

from django.core.management.base import BaseCommand

from yibao.cases.handlers import status
from yibao.catalog.codes import BY_CODE


class Command(BaseCommand):
    help = "事项处理模块一览"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        show = sub.add_parser("status", help="列出全部事项代码及其处理模块")
        show.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        rows = status()
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        width = max(len(r["code"]) for r in rows)
        for r in rows:
            effect = "变更登记簿" if r["effect"] else "无登记簿变更"
            pays = {True: "拨付", False: "不拨付", None: "按流程"}[r["pays"]]
            flow = "" if r["flow_ok"] else "  流程不一致：" + "；".join(r["flow_problems"])
            self.stdout.write(f"{r['code']:<{width}}  {r['handler']:<20}  {effect}  {pays}  "
                              f"{BY_CODE[r['code']].name}{flow}")
        with_effect = sum(r["effect"] for r in rows)
        self.stdout.write(f"共 {len(rows)} 个事项，{with_effect} 个已有业务处理模块")
        bad = [r["code"] for r in rows if not r["flow_ok"]]
        if bad:
            self.stdout.write(f"流程与业务模块不一致的事项：{'、'.join(bad)}（请在后台“服务事项”中核定）")
