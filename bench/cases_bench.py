"""Case engine figures: queries and time per action, and mark_overdue over many open cases.

Run: .venv/bin/python bench/cases_bench.py   (uses a throwaway test database; DATABASE_URL picks it)
Prints figures only; nothing here asserts speed.
"""
import os
import sys
import time
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

CASES = 200


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from tests.cases import factories as f
        from yibao.cases import actions
        from yibao.core.models import Channel

        # one item per region: each factory item is a whole guide edition of its region. The items
        # run on the generic handler: these are the engine's own figures, not a domain's register
        # checks (unit-enrollment, for one, needs an employer applicant and its 登记表).
        city, town = f.region(), f.region("town", "某县", "519901")
        clerk, reviewer = f.staff(city, "clerk", "reviewer"), f.staff(city, "reviewer")
        f.staff(city, "supervisor")
        person = f.applicant()
        instant = f.item(town, "bench-instant", limits=[("", 0)])
        three_day = f.item(city, "bench-three-day", limits=[("", 3)])

        def submit(item):
            return actions.submit_case(item=item, applicant=person, actor=person.user, channel=Channel.WINDOW,
                                       office="市本级", materials=["1"])

        steps = {
            "submit_case": lambda c: submit(three_day),
            "accept_case": lambda c: actions.accept_case(c, clerk, channel=Channel.WINDOW),
            "start_review": lambda c: actions.start_review(c, reviewer, channel=Channel.WINDOW),
            "approve_case": lambda c: actions.approve_case(c, reviewer, channel=Channel.WINDOW),
            "complete_case": lambda c: actions.complete_case(c, clerk, channel=Channel.WINDOW),
        }
        print(f"database: {connection.vendor}, {CASES} cases per figure")
        case = None
        for name, step in steps.items():
            with CaptureQueriesContext(connection) as queries:
                case = step(case)
            print(f"  {name:<14} {len(queries):>3} queries")

        town_clerk = f.staff(town, "clerk")
        t0 = time.perf_counter()
        for _ in range(CASES):
            actions.run_instant(submit(instant), town_clerk, channel=Channel.WINDOW)
        per_instant = (time.perf_counter() - t0) / CASES
        # baseline in the same run: one ORM write transaction (update of a case row) per case
        from django.db import transaction
        from yibao.cases.models import Case
        some = Case.objects.order_by("pk").first()
        t0 = time.perf_counter()
        for n in range(CASES):
            with transaction.atomic():
                Case.objects.filter(pk=some.pk).update(office=f"市本级{n % 2 or ''}")
        baseline = (time.perf_counter() - t0) / CASES
        print(f"  submit + run_instant (即时办结): {per_instant * 1000:.1f} ms per case; "
              f"baseline one-row update transaction {baseline * 1000:.2f} ms; ratio {per_instant / baseline:.0f}x")

        open_cases = [actions.accept_case(submit(three_day), clerk, channel=Channel.WINDOW) for _ in range(CASES)]
        later = open_cases[0].due_date + timedelta(days=10)
        t0 = time.perf_counter()
        marked = actions.mark_overdue(later)
        took = time.perf_counter() - t0
        print(f"  mark_overdue: {marked} cases in {took:.2f} s ({took / max(marked, 1) * 1000:.1f} ms per case)")
        t0 = time.perf_counter()
        again = actions.mark_overdue(later)
        print(f"  mark_overdue again: {again} cases in {(time.perf_counter() - t0) * 1000:.1f} ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
