"""Start-up time of `yibao` commands that need no search index, beside trivial baselines.

Run: nice -n 10 .venv/bin/python bench/startup_bench.py [RUNS]
Each command runs RUNS times (default 5) as a fresh process, interleaved with the baselines so
the machine's load falls on all alike: the bare interpreter, and Django's own command line over
a minimal project (contenttypes and auth only: what any Django command pays). Prints the median
and best wall time of each and the ratios, and the median CPU time (user + system) each process
used: on a shared machine the wall time is mostly waiting for a core, the CPU time is the
process's own cost. The search index (scikit-learn) is never loaded here.
"""
import resource
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
YIBAO = str(Path(PY).parent / "yibao")
MINIMAL_DJANGO = (
    "import django;from django.conf import settings;"
    "settings.configure(INSTALLED_APPS=['django.contrib.contenttypes','django.contrib.auth'],"
    "DATABASES={'default':{'ENGINE':'django.db.backends.sqlite3','NAME':':memory:'}});"
    "from django.core.management import execute_from_command_line;execute_from_command_line(['django-admin','help'])"
)
RUNS = {
    "python -c pass (interpreter)": [PY, "-c", "pass"],
    "django-admin help (minimal project)": [PY, "-c", MINIMAL_DJANGO],
    "yibao help": [YIBAO, "help"],
    "yibao calendar --help": [YIBAO, "calendar", "--help"],
    "yibao cases mark-overdue --help": [YIBAO, "cases", "mark-overdue", "--help"],
}


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "yibao.settings"}
    env.pop("DATABASE_URL", None)
    times = {name: [] for name in RUNS}
    cpu = {name: [] for name in RUNS}
    load = os.getloadavg()[0]
    for _ in range(runs):
        for name, argv in RUNS.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(argv, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[name].append(time.perf_counter() - t0)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    base = statistics.median(times["django-admin help (minimal project)"])
    base_cpu = statistics.median(cpu["django-admin help (minimal project)"])
    print(f"process start-up, {runs} runs each, interleaved (load average {load:.1f} at start, "
          f"{os.getloadavg()[0]:.1f} at end)")
    for name, values in times.items():
        median, used = statistics.median(values), statistics.median(cpu[name])
        print(f"  {name:<38} wall median {median:6.3f} s  best {min(values):6.3f} s  ({median / base:5.2f}x)"
              f"   CPU median {used:6.3f} s ({used / base_cpu:5.2f}x minimal Django)")
    yibao = [n for n in RUNS if n.startswith("yibao")]
    print(f"  yibao commands: wall median of medians {statistics.median(statistics.median(times[n]) for n in yibao):.3f} s,"
          f" CPU {statistics.median(statistics.median(cpu[n]) for n in yibao):.3f} s (goal < 0.5 s)")


if __name__ == "__main__":
    main()
