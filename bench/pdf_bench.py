"""PDF notice figures: font registration (once per process), render time and size per kind, and
the cost of a long correction notice.

Run: .venv/bin/python bench/pdf_bench.py   (uses a throwaway test database; DATABASE_URL picks it)
Prints figures only; nothing here asserts speed.
"""
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

ROUNDS = 10


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main():
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from tests.cases import documents as d
        from tests.cases import factories as f
        from yibao.cases import actions, pdf
        from yibao.core.pdf import font_name
        from yibao.cases.models import NoticeKind

        font, seconds = timed(font_name)
        print(f"font {font}: registered in {seconds * 1000:.0f} ms (once per process)")
        city = f.region()
        clerk, reviewer, person = f.staff(city, "clerk"), f.staff(city, "reviewer"), f.applicant()
        notices = d.issue_all(d.item(city), person, clerk, reviewer)
        print(f"{'kind':<12} {'ms/render':>10} {'KiB':>6}")
        for kind, notice in notices.items():
            data, _ = timed(lambda: pdf.render_notice_pdf(notice))
            start = time.perf_counter()
            for _ in range(ROUNDS):
                pdf.render_notice_pdf(notice)
            per = (time.perf_counter() - start) / ROUNDS
            print(f"{kind:<12} {per * 1000:>10.1f} {len(data) / 1024:>6.1f}")

        names = [f"第{n}项证明材料（须加盖出具单位公章）" for n in range(1, 41)]
        case = d.submit(d.item(city, materials=names), person, materials=[])
        actions.request_correction(case, clerk, channel=d.W)
        long_notice = case.notices.get(kind=NoticeKind.CORRECTION)
        data, seconds = timed(lambda: pdf.render_notice_pdf(long_notice))
        short = min(timed(lambda: pdf.render_notice_pdf(notices[NoticeKind.CORRECTION]))[1] for _ in range(3))
        print(f"correction with 40 materials: {seconds * 1000:.1f} ms, {len(data) / 1024:.1f} KiB, "
              f"{seconds / short:.1f}x the 3-material notice")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
