"""`yibao cases mark-overdue [--date YYYY-MM-DD]`: flag the cases past their due date."""
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from yibao.cases.exceptions import CaseError
from yibao.cases.tasks import mark_overdue_cases


class Command(BaseCommand):
    help = "办件维护"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        overdue = sub.add_parser("mark-overdue", help="标记超过办结期限的办件并通知科室负责人")
        overdue.add_argument("--date", help="按此日期判断（默认今天），格式 YYYY-MM-DD")

    def handle(self, *args, **options):
        day = options.get("date")
        if day:
            try:
                date.fromisoformat(day)
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{day}") from None
        # Run here and now (the scheduler enqueues the same task daily).
        try:
            marked = mark_overdue_cases.call(day)
        except CaseError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"已标记逾期办件 {marked} 件")
