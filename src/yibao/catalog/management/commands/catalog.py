"""`yibao catalog export|search`: the catalogue as JSON, and the 导办 search from the command line."""
import json

from django.core.management.base import BaseCommand, CommandError

from yibao.catalog.export import export_catalog


class Command(BaseCommand):
    help = "服务事项目录：导出（export）、搜索（search）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        exp = sub.add_parser("export", help="导出全部办事指南及其事项")
        exp.add_argument("--format", choices=["json"], default="json")
        exp.add_argument("--region", help="只导出这个地区")
        find = sub.add_parser("search", help="按问题查找服务事项")
        find.add_argument("question")
        find.add_argument("--region", help="只在这个地区的现行指南中查找")
        find.add_argument("--format", choices=["json", "table"], default="table")
        find.add_argument("--limit", type=int, default=10)

    def handle(self, *args, action, **options):
        if action == "export":
            data = export_catalog(region=options.get("region"))
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
            return
        from yibao.catalog.search import search  # written beside the catalogue; loaded only when asked

        question = options["question"].strip()
        if not question:
            raise CommandError("请输入要查找的问题")
        results = search(question, region=options.get("region"), limit=options["limit"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(results, ensure_ascii=False, indent=1, default=str))
            return
        if not results:
            self.stdout.write("没有找到相关的服务事项。")
        for n, row in enumerate(results, start=1):
            self.stdout.write(
                f"{n:>2}. {row.get('title', '')}  [{row.get('code', '')}]  {row.get('region', '')}  {row.get('score', '')}"
            )
