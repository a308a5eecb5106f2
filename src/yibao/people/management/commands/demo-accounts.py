from django.core.management.base import BaseCommand

from yibao.people.demo import ensure_demo_accounts


class Command(BaseCommand):
    help = "创建演示账号（已有的不重建、不重置密码）并列出"

    def handle(self, *args, **options):
        for role, login, password in ensure_demo_accounts():
            self.stdout.write(f"{role}: {login} / {password}")
