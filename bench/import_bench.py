"""Import time of the five shipped guides: parse only against parse + store, side by side.

Run: .venv/bin/python bench/import_bench.py [rounds]   (default 5)
Uses a throwaway SQLite database in a temporary folder. Each round parses every file afresh
(bypassing the parser's in-process cache) and stores it inside a transaction that is rolled
back, so every round writes the same rows into the same empty catalogue.
"""
import os
import statistics
import sys
import tempfile
import time

TMP = tempfile.mkdtemp(prefix="yibao-import-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP}/bench.sqlite3"
os.environ["YIBAO_VAR_DIR"] = TMP
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    call_command("migrate", verbosity=0)
    from yibao.catalog.guides.importer import ensure_region, manifest, seed_dir
    from yibao.catalog.guides.parser import parse_text
    from yibao.catalog.guides.reader import decode
    from yibao.catalog.guides.store import save_guide

    entries = manifest()["guides"]
    files = [(e, (seed_dir() / e["file"]).read_bytes()) for e in entries]
    parse_times = {e["file"]: [] for e, _ in files}
    store_times = {e["file"]: [] for e, _ in files}
    items = {}
    for _ in range(rounds):
        with transaction.atomic():
            for spec in manifest()["regions"]:
                ensure_region(spec["code"])
            for entry, data in files:
                name = entry["file"]
                started = time.perf_counter()
                parsed = parse_text(decode(data, name), name)
                parsed_at = time.perf_counter()
                save_guide(parsed, ensure_region(entry["region"]), edition=entry.get("edition", ""))
                stored_at = time.perf_counter()
                parse_times[name].append(parsed_at - started)
                store_times[name].append(stored_at - started)
                items[name] = (len(parsed.items), len(data))
            transaction.set_rollback(True)

    print(f"{'file':<28}{'KB':>6}{'items':>7}{'parse (ms)':>13}{'parse+store (ms)':>19}{'store share':>13}")
    total_parse = total_store = 0.0
    for entry, _ in files:
        name = entry["file"]
        parse = statistics.median(parse_times[name])
        store = statistics.median(store_times[name])
        total_parse += parse
        total_store += store
        n, size = items[name]
        print(f"{name:<28}{size / 1024:>6.1f}{n:>7}{parse * 1000:>13.1f}{store * 1000:>19.1f}{(store - parse) / store:>13.0%}")
    print(f"{'all five':<28}{'':>6}{sum(n for n, _ in items.values()):>7}{total_parse * 1000:>13.1f}"
          f"{total_store * 1000:>19.1f}{(total_store - total_parse) / total_store:>13.0%}")
    print(f"median of {rounds} rounds; parse+store / parse = {total_store / total_parse:.2f}")


if __name__ == "__main__":
    main()
