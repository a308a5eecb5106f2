"""`yibao payments batch create|approve|export|import-return|show`: the batch work of the workbench
from the command line (for a payer's scripts and the bank's file exchange). Each names the payer
acting (--user): the three-person rule binds a command as it binds a screen."""
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yibao.cases.interface import CaseError
from yibao.catalog.models import Region
from yibao.core.models import Channel
from yibao.payments import actions, queries
from yibao.payments.models import PaymentBatch
from yibao.people.policy import NotAllowed

C = Channel.COMMAND


class Command(BaseCommand):
    help = "支付批次：组批、审核、导出批量代发文件、导入银行回盘文件、对账"

    def add_arguments(self, parser):
        top = parser.add_subparsers(dest="group", required=True)
        batch = top.add_parser("batch", help="支付批次").add_subparsers(dest="sub", required=True)
        create = batch.add_parser("create", help="组批：本地区同一账户类型和银行的已复核支付指令")
        create.add_argument("--region", required=True, help="地区代码，如 dazhou")
        create.add_argument("--account-kind", default="bank", help="bank / ssc / employer")
        create.add_argument("--bank", default="", help="开户银行（与支付指令一致）")
        create.add_argument("--order", action="append", dest="orders", help="只组这些支付指令（可重复）")
        approve = batch.add_parser("approve", help="审核批次（组批人以外的拨付人员）")
        approve.add_argument("batch_no")
        export = batch.add_parser("export", help="导出批量代发文件（xlsx、csv）或封面（pdf）")
        export.add_argument("batch_no")
        export.add_argument("--format", choices=["xlsx", "csv", "pdf"], default="xlsx")
        export.add_argument("-o", "--output", help="写入文件（默认：批次号.格式）")
        ret = batch.add_parser("import-return", help="导入银行回盘文件（xlsx 或 CSV）")
        ret.add_argument("batch_no")
        ret.add_argument("file")
        show = batch.add_parser("show", help="批次及对账（JSON）")
        show.add_argument("batch_no")
        for sub in (create, approve, export, ret, show):
            sub.add_argument("--user", required=True, help="办理的拨付人员账号")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"没有账号 {options['user']}")
        try:
            getattr(self, "_" + options["sub"].replace("-", "_"))(user, options)
        except CaseError as exc:
            raise CommandError(exc.message) from None
        except NotAllowed as exc:
            raise CommandError(str(exc)) from None

    def _batch(self, batch_no):
        batch = PaymentBatch.objects.filter(batch_no=batch_no.strip()).first()
        if batch is None:
            raise CommandError(f"没有批次 {batch_no}")
        return batch

    def _create(self, user, o):
        region = Region.objects.filter(code=o["region"], is_template=False).first()
        if region is None:
            raise CommandError(f"没有地区 {o['region']}")
        batch = actions.create_batch(region.pk, account_kind=o["account_kind"], bank_name=o["bank"], actor=user,
                                     channel=C, order_nos=o.get("orders"))
        self.stdout.write(f"已组批 {batch.batch_no}：{batch.order_count}笔，{batch.total}元（待其他拨付人员审核）")

    def _approve(self, user, o):
        batch = actions.approve_batch(self._batch(o["batch_no"]), user, channel=C)
        self.stdout.write(f"批次 {batch.batch_no} 已审核")

    def _export(self, user, o):
        filename, content, _ = actions.export_batch(self._batch(o["batch_no"]), user, channel=C, fmt=o["format"])
        path = Path(o.get("output") or filename)
        path.write_bytes(content)
        self.stdout.write(f"已导出 {path}")

    def _import_return(self, user, o):
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        imported, created = actions.import_return(self._batch(o["batch_no"]), path.read_bytes(), user, channel=C,
                                                  filename=path.name)
        if created:
            self.stdout.write(f"已导入回盘文件 {path.name}：成功{imported.paid}笔，失败{imported.failed}笔，"
                              f"已处理过{imported.unchanged}笔")
        else:
            at = timezone.localtime(imported.imported_at)
            self.stdout.write(f"该回盘文件已导入过（{at:%Y-%m-%d %H:%M}），未作任何变更")
        self._show(user, o)

    def _show(self, user, o):
        batch = self._batch(o["batch_no"])
        recon = queries.reconciliation(batch)
        self.stdout.write(json.dumps({"batch_no": batch.batch_no, "state": batch.state,
                                      **{k: v if isinstance(v, (int, bool)) else str(v) for k, v in recon.items()}},
                                     ensure_ascii=False))
