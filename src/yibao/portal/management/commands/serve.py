"""`yibao serve`: make the database ready (migrations, shipped guides, demo accounts), print the
demo accounts, and serve the sites."""
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

DEMO_PASSWORD = "yibao-demo-2026"


def ensure_demo_accounts():
    """Demo accounts for a first look; created once, never reset. Returns [(role, username)]."""
    User = get_user_model()
    accounts = [("系统管理员（后台 /admin/）", "admin")]
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", password=DEMO_PASSWORD)
    return accounts


class Command(BaseCommand):
    help = "准备数据库（迁移、内置办事指南、演示账号）并启动网站"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-serve", action="store_true", help="只准备数据，不启动网站")

    def handle(self, *args, host, port, no_serve, **options):
        from pathlib import Path

        from django.conf import settings

        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("guides", "load-defaults")
        accounts = ensure_demo_accounts()
        self.stdout.write("演示账号（密码均为 %s）：" % DEMO_PASSWORD)
        for role, username in accounts:
            self.stdout.write(f"  {role}: {username}")
        self.stdout.write(f"公众网站: http://{host}:{port}/    后台: http://{host}:{port}/admin/")
        if not no_serve:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
