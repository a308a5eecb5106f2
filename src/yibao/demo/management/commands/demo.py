"""`yibao demo load [--seed N --persons N --cases N --months N]` and `yibao demo clear`."""
import time

from django.core.management.base import BaseCommand, CommandError

from yibao.demo import load as demo


class Command(BaseCommand):
    help = "演示数据：load 载入（各演示地区数月的参保、缴费、办件、拨付、评价），clear 清除"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        load = sub.add_parser("load", help="载入演示数据（已载入则不变）")
        load.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
        load.add_argument("--persons", type=int, default=demo.DEFAULT_PERSONS, help="每地区参保职工人数")
        load.add_argument("--cases", type=int, default=demo.DEFAULT_CASES, help="每地区办件数")
        load.add_argument("--months", type=int, default=demo.DEFAULT_MONTHS, help="回溯月数（另加本月）")
        sub.add_parser("clear", help="清除全部演示数据（其他数据不变）")

    def handle(self, *args, verb, **options):
        if verb == "clear":
            started = time.perf_counter()
            n = demo.clear()
            self.stdout.write(f"已清除演示数据：{n}行（{time.perf_counter() - started:.1f}秒）" if n else "未载入演示数据")
            return
        try:
            record, created = demo.load(seed=options["seed"], persons=options["persons"], cases=options["cases"],
                                        months=options["months"], out=self.stdout.write)
        except demo.DemoRefused as exc:
            raise CommandError(str(exc)) from None
        if created:
            self.stdout.write(f"演示数据已载入（种子{record.seed}，用时{record.seconds}秒）")
        else:
            self.stdout.write(f"演示数据已于{record.loaded_at:%Y-%m-%d %H:%M}载入（种子{record.seed}），未作改动")
