"""Background work of the engine (django-tasks). Run daily by the scheduler, or by hand with
`yibao cases mark-overdue`."""
from datetime import date

from django.utils import timezone
from django_tasks import task

from yibao.cases import actions
from yibao.cases.exceptions import InvalidCaseData


@task()
def mark_overdue_cases(day=None):
    """Flag the cases past their due date and notify the supervisors. `day` is an ISO date or
    None for today (task arguments must be JSON). A date to come is refused: a mark is permanent
    and shown on the public progress page, so it follows the real clock."""
    day = date.fromisoformat(day) if day else None
    if day is not None and day > timezone.localdate():
        raise InvalidCaseData(f"不能按未来日期（{day:%Y-%m-%d}）标记逾期", field="date")
    return actions.mark_overdue(day)
