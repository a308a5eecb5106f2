"""`yibao transfer export CASE [-o FILE]` writes the 信息表 of a completed 关系转出 case to a
region outside the deployment as JSON; `yibao transfer import FILE [--region CODE]` receives one
from outside: the in region's 关系转入 case is opened and accepted on receipt."""
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yibao.accounts.actions import import_transfer_sheet
from yibao.accounts.models import TransferSheet
from yibao.accounts.sheet_file import SheetFile
from yibao.cases.interface import CaseError
from yibao.catalog.models import Region
from yibao.core.models import Channel


class Command(BaseCommand):
    help = "转移接续：导出、导入《参保人员基本医疗保险信息表》（与本系统以外地区交换）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        out = sub.add_parser("export", help="导出转出办件的信息表（JSON）")
        out.add_argument("case", help="转出办件的受理编号")
        out.add_argument("-o", "--output", help="写入文件（默认输出到屏幕）")
        into = sub.add_parser("import", help="导入外地出具的信息表，生成转入办件")
        into.add_argument("file", help="信息表 JSON 文件（- 表示标准输入）")
        into.add_argument("--region", help="转入地区代码（默认取信息表中的转入地）")

    def handle(self, *args, **options):
        try:
            if options["sub"] == "export":
                self._export(options["case"], options.get("output"))
            else:
                self._import(options["file"], options.get("region"))
        except CaseError as exc:
            raise CommandError(exc.message) from None

    def _export(self, receipt_no, output):
        sheet = TransferSheet.objects.filter(out_case__receipt_no=receipt_no.strip().upper()).first()
        if sheet is None:
            raise CommandError(f"办件{receipt_no}没有信息表：转出办件办结后方可导出")
        if sheet.to_region_id is not None:
            raise CommandError(f"该信息表已转入本系统内的{sheet.to_region_name}，无需导出")
        text = SheetFile.of(sheet).dumps()
        if output:
            Path(output).write_text(text + "\n", encoding="utf-8")
            self.stdout.write(f"已导出信息表 {sheet.sheet_no} → {output}")
        else:
            self.stdout.write(text)

    def _import(self, path, region_code):
        content = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        wanted = region_code or SheetFile.read(content).to_region
        region = (Region.objects.filter(is_template=False).filter(code=wanted).first()
                  or Region.objects.filter(is_template=False, name=wanted).first())
        if region is None:
            raise CommandError(f"本系统内没有转入地区“{wanted}”，请用 --region 指定")
        case = import_transfer_sheet(content, region, actor=None, channel=Channel.COMMAND)
        self.stdout.write(f"已生成转入办件 {case.receipt_no}（{region.name}），办结期限 {case.due_date}")
