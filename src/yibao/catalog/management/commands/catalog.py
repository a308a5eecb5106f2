"""`yibao catalog export|search|audit|reference|codes`: the catalogue as JSON, the 导办 search,
清单对标 (the guides judged against the service lists), loading those lists and the 事项编码."""
import json
from pathlib import Path

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
        check = sub.add_parser("audit", help="清单对标：现行指南的每个事项对照国家和省级清单")
        check.add_argument("--region", help="只看这个地区")
        check.add_argument("--format", choices=["json", "table"], default="table")
        ref = sub.add_parser("reference", help="事项清单：load FILE 导入（JSON 或 xlsx），list 列出已导入的清单")
        ref_sub = ref.add_subparsers(dest="reference_action", required=True)
        ref_load = ref_sub.add_parser("load", help="导入一份国家或省级事项清单")
        ref_load.add_argument("file")
        ref_sub.add_parser("list", help="列出已导入的清单")
        codes = sub.add_parser("codes", help="事项编码：load FILE 导入（JSON、CSV 或 xlsx：region、item、catalogue_code）")
        codes_sub = codes.add_subparsers(dest="codes_action", required=True)
        codes_load = codes_sub.add_parser("load", help="导入经办机构提供的事项编码")
        codes_load.add_argument("file")

    def handle(self, *args, action, **options):
        if action == "audit":
            return self._audit(options)
        if action == "reference":
            return self._reference(options)
        if action == "codes":
            return self._codes(options)
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

    def _audit(self, options):
        from yibao.catalog.audit import KINDS, audit
        from yibao.catalog.models import Region

        region = options.get("region")
        if region and not Region.objects.filter(code=region).exists():
            raise CommandError(f"未知的地区代码“{region}”")
        result = audit(region=region)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))
            return
        findings = result["findings"]
        if not findings:
            self.stdout.write("没有发现超出清单的地方（或尚未导入清单：yibao catalog reference load FILE）。")
            return
        source = None
        for f in findings:
            if f["source"] != source:
                source = f["source"]
                self.stdout.write(f"== {f['source']}（{f['region']}）")
            values = f"指南：{_show(f['guide_value'])}；清单：{_show(f['list_value'])}"
            self.stdout.write(f"  [{KINDS[f['kind']]}] {f['item']} {f['title']}  {values}  （{f['list_name']}）")
            if f["text"]:
                self.stdout.write(f"      原文：{' '.join(f['text'].split())[:200]}")
            if f["row"]:
                self.stdout.write(f"      清单行：{f['row']['number'] or '-'} 确定程度：{f['row']['certainty_label']}")
        self.stdout.write(f"共 {len(findings)} 条。")

    def _reference(self, options):
        from yibao.catalog.actions import load_reference_list
        from yibao.catalog.models import ReferenceList
        from yibao.catalog.reference import ReferenceFormatError, read_reference_file

        if options["reference_action"] == "list":
            lists = ReferenceList.objects.order_by("level", "province")
            if not lists:
                self.stdout.write("还没有导入事项清单。")
            for r in lists:
                self.stdout.write(
                    f"{r.get_level_display()} {r.province}：{r.name}（{r.date}）{r.rows.count()}行，"
                    f"{'载明全部事项' if r.complete else '未载明全部事项'}；来源：{r.source}"
                )
            return
        try:
            plan = read_reference_file(options["file"])
        except ReferenceFormatError as exc:
            raise CommandError(str(exc)) from exc
        reference, created = load_reference_list(plan)
        verb = "已导入" if created else "已替换"
        self.stdout.write(f"{verb}{reference.get_level_display()}：{reference.name}（{reference.date}），{len(plan.rows)}行")

    def _codes(self, options):
        from yibao.catalog.actions import CatalogueCodeRefused, load_catalogue_codes
        from yibao.catalog.catalogue_codes import CodesFileError, read_codes_file

        try:
            entries = read_codes_file(options["file"])
            changed = load_catalogue_codes(entries, file_name=Path(options["file"]).name)
        except (CodesFileError, CatalogueCodeRefused) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已读取 {len(entries)} 条事项编码，{changed} 个事项有变化。")


def _show(value):
    return "—" if value is None else str(value)
