"""`yibao serve`: make the database ready (migrations, shipped guides, demo accounts), print the
demo accounts, and serve the sites."""
import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from yibao.accounts.demo import ensure_demo_insured
from yibao.entitlements.demo import ensure_demo_entitlements
from yibao.maternity.demo import ensure_demo_maternity
from yibao.medical_aid.demo import ensure_demo_aid
from yibao.people.demo import ensure_demo_accounts
from yibao.providers.demo import ensure_demo_providers
from yibao.remote_care.demo import ensure_demo_county


class Command(BaseCommand):
    help = "准备数据库（迁移、内置办事指南、演示账号）并启动网站"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动网站")
        parser.add_argument("--demo", action="store_true",
                            help="数据库中尚无办件时载入演示数据（yibao demo load；已有办件则不载入）")

    def handle(self, *args, host, port, no_serve, demo=False, **options):
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("guides", "load-defaults")
        call_command("policy", "load-samples")  # 示例参数 for regions that have none yet
        self.stdout.write("演示账号：")
        for role, login, password in [*ensure_demo_accounts(), *ensure_demo_providers(), *ensure_demo_county()]:
            self.stdout.write(f"  {role}：账号 {login}  密码 {password}")
        insured = ensure_demo_insured()
        if insured:
            self.stdout.write(f"演示参保人员：{insured}")
        for line in [*ensure_demo_entitlements(), *ensure_demo_aid()]:
            self.stdout.write(f"演示数据：{line}")
        for line in ensure_demo_maternity():
            self.stdout.write(f"演示数据：{line}")
        self.stdout.write("拨付事项（如个人账户一次性支取）：制单、复核、支付确认须由三名不同的拨付人员办理，"
                          "审核人员不参与拨付。")
        call_command("providers", "expire")  # agreements whose period ran out while the server was down
        if demo:
            load_demo_once(self.stdout.write)
        from yibao.catalog.search import search

        search("医保")  # load jieba and build the index now, not on the first visitor's search
        self.stdout.write(f"公众网站: http://{host}:{port}/    工作台: http://{host}:{port}/workbench/    "
                          f"后台: http://{host}:{port}/admin/")
        if not no_serve:
            start_overdue_sweep()
            call_command("runserver", f"{host}:{port}", use_reloader=False)


def load_demo_once(say):
    """The demo (yibao.demo) on a database that holds no case yet; loaded already: nothing changes."""
    from yibao.cases.models import Case
    from yibao.demo.load import load
    from yibao.demo.models import DemoLoad

    if DemoLoad.objects.exists() or not Case.objects.exists():
        record, created = load(out=lambda line: say(f"演示数据：{line}"))
        if created:
            say(f"演示数据已载入（{record.seconds}秒）；清除：yibao demo clear")
    else:
        say("数据库中已有办件，未载入演示数据")


def start_overdue_sweep():
    """Enqueue the engine's overdue sweep now and every YIBAO_OVERDUE_SWEEP_MINUTES, for as long
    as the server runs (a deployment with a task worker and cron does the same with its own clock)."""
    from yibao.cases.tasks import mark_overdue_cases

    interval = settings.YIBAO_OVERDUE_SWEEP_MINUTES * 60

    def sweep():
        while True:
            try:
                mark_overdue_cases.enqueue()
            except Exception:  # a failed sweep must not end the loop; the log says why
                logging.getLogger("yibao").exception("逾期检查失败")
            time.sleep(interval)

    threading.Thread(target=sweep, name="overdue-sweep", daemon=True).start()
