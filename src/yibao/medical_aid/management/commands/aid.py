"""yibao aid load | run | status | report | pay | complete | recognise — medical aid (医疗救助) from the
command line: load a recipient list, run (or resume) a 免申即享 batch with its progress, its report,
the payers' orders for a batch, 办结 of its paid cases, and an external determination (R65)."""
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from yibao.catalog.models import Region
from yibao.cases.interface import CaseError
from yibao.core.models import Channel
from yibao.enrollment.models import Person
from yibao.medical_aid import actions, batch, lists
from yibao.medical_aid.models import Category, RecipientList, Source, SubsidyBatch
from yibao.medical_aid.tasks import run_subsidy_batch

C = Channel.COMMAND


class Command(BaseCommand):
    help = "医疗救助：导入救助对象名单、运行免申即享批次（进度与结果报告）、批次制单、办结已到账办件、录入认定结果"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        load = sub.add_parser("load", help="导入一份救助对象名单（xlsx 或 CSV）")
        load.add_argument("file")
        load.add_argument("--region", required=True)
        load.add_argument("--source", required=True, help="民政、乡村振兴或残联")
        load.add_argument("--year", required=True, type=int, help="资助年度")
        load.add_argument("--period", default="", help="名单所属期，默认为资助年度")
        load.add_argument("--user", default="", help="经办人用户名")
        run = sub.add_parser("run", help="运行免申即享批次（新建，或以 --batch 续跑中断的批次）")
        run.add_argument("--region")
        run.add_argument("--year", type=int)
        run.add_argument("--lists", default="", help="名单编号，逗号分隔")
        run.add_argument("--batch", type=int, help="续跑的批次编号")
        run.add_argument("--user", default="")
        run.add_argument("--enqueue", action="store_true", help="交后台任务运行，用 status 查看进度")
        status = sub.add_parser("status", help="批次进度")
        status.add_argument("batch", type=int)
        report = sub.add_parser("report", help="批次结果报告：资助了谁、未资助的人及原因")
        report.add_argument("batch", type=int)
        report.add_argument("--format", choices=["text", "json"], default="text")
        pay = sub.add_parser("pay", help="为批次中审核通过的办件生成支付指令（制单）")
        pay.add_argument("batch", type=int)
        pay.add_argument("--user", required=True)
        complete = sub.add_parser("complete", help="办结批次中已拨付的办件")
        complete.add_argument("batch", type=int)
        recognise = sub.add_parser("recognise", help="录入相关部门的救助对象认定结果（R65）")
        recognise.add_argument("id_number")
        recognise.add_argument("--year", required=True, type=int)
        recognise.add_argument("--category", required=True, choices=Category.values)
        recognise.add_argument("--source", required=True, choices=Source.values)
        recognise.add_argument("--reference", required=True)
        recognise.add_argument("--user", default="")

    def _user(self, name):
        if not name:
            return None
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise CommandError(f"未找到用户：{name}")
        return user

    def _region(self, code):
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(f"未找到地区：{code}")
        return region

    def _batch(self, pk):
        found = SubsidyBatch.objects.select_related("region").filter(pk=pk).first()
        if found is None:
            raise CommandError(f"未找到批次：{pk}")
        return found

    def handle(self, *args, verb, **o):
        try:
            getattr(self, f"do_{verb}")(o)
        except CaseError as exc:
            raise CommandError(exc.message) from None

    def do_load(self, o):
        path = Path(o["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        if path.stat().st_size > lists.MAX_BYTES:
            raise CommandError("名单文件过大")
        recipients, new = lists.store_list(self._region(o["region"]), source=o["source"], period=o["period"],
                                           year=o["year"], content=path.read_bytes(), filename=path.name,
                                           actor=self._user(o["user"]), channel=C)
        self.stdout.write(f"{'已导入' if new else '该名单已导入过'}：名单{recipients.pk} {recipients}")

    def do_run(self, o):
        if o["batch"]:
            found = self._batch(o["batch"])
        else:
            if not (o["region"] and o["year"] and o["lists"]):
                raise CommandError("新建批次须给出 --region、--year 和 --lists")
            region = self._region(o["region"])
            ids = [int(x) for x in o["lists"].split(",") if x.strip().isdigit()]
            chosen = list(RecipientList.objects.filter(pk__in=ids, region=region))
            if len(chosen) != len(set(ids)):
                raise CommandError("名单编号有误或不属于该地区")
            found = batch.create_batch(region, o["year"], chosen, actor=self._user(o["user"]), channel=C)
            self.stdout.write(f"批次{found.pk}：名单{len(chosen)}份，共{found.total}行")
        if o["enqueue"]:
            run_subsidy_batch.enqueue(found.pk)
            self.stdout.write(f"批次{found.pk}已交后台运行；进度：yibao aid status {found.pk}")
            return

        def progress(done, total):
            self.stdout.write(f"进度 {done}/{total}")
            self.stdout.flush()

        done = batch.run_batch(found.pk, progress=progress)
        self._status(done)

    def _status(self, found):
        self.stdout.write(f"批次{found.pk} {found.get_state_display()}：已处理{found.done}/{found.total}行（{found.progress}%），"
                          f"资助{found.matched}人，金额{found.amount}元{('；错误：' + found.error) if found.error else ''}")

    def do_status(self, o):
        self._status(self._batch(o["batch"]))

    def do_report(self, o):
        data = batch.report(self._batch(o["batch"]))
        if o["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=1))
            return
        self.stdout.write(f"批次{data['batch']} {data['region']} {data['year']}年 {data['state']}："
                          f"资助{data['matched']}人 {data['amount']}元")
        for label, n in sorted(data["counts"].items()):
            self.stdout.write(f"  {label}：{n}")
        for line in data["lines"]:
            self.stdout.write(f"  {line['list']} 第{line['row']}行 {line['name']} {line['id_number']} {line['category']}："
                              f"{line['outcome']} {line['detail']}")

    def do_pay(self, o):
        made, refused = batch.pay_orders(self._batch(o["batch"]), self._user(o["user"]), channel=C)
        self.stdout.write(f"已生成支付指令{made}笔")
        for receipt, message in refused[:20]:
            self.stdout.write(f"  {receipt}：{message}")

    def do_complete(self, o):
        self.stdout.write(f"已办结{batch.complete_paid(self._batch(o['batch']))}件")

    def do_recognise(self, o):
        person = Person.objects.filter(id_number=o["id_number"].strip().upper()).first()
        if person is None:
            raise CommandError("未找到该参保人员")
        row = actions.recognise(person, o["year"], o["category"], o["source"], o["reference"],
                                actor=self._user(o["user"]), channel=C)
        self.stdout.write(f"已录入：{row}")
