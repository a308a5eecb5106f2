"""Background work of the engine (django-tasks). Run daily by the scheduler, or by hand with
`yibao cases mark-overdue`."""
from datetime import date

from django_tasks import task

from yibao.cases import actions


@task()
def mark_overdue_cases(day=None):
    """Flag the cases past their due date and notify the supervisors. `day` is an ISO date or
    None for today (task arguments must be JSON)."""
    return actions.mark_overdue(date.fromisoformat(day) if day else None)
