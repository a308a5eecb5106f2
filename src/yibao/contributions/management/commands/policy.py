"""`yibao policy load-samples|show`: the policy parameters (rates, bases, lump-sum years)."""
from django.core.management.base import BaseCommand, CommandError

from yibao.catalog.models import Region
from yibao.contributions.actions import load_sample_parameters
from yibao.core.models import Channel
from yibao.enrollment.models import SAMPLE_LABEL, PolicyParameters

SHOWN = ["employer_rate", "personal_rate", "base_floor", "base_ceiling", "flexible_rate", "flexible_base_floor",
         "flexible_base_ceiling", "lump_sum_years_male", "lump_sum_years_female", "lump_sum_base", "lump_sum_rate",
         "retirement_age_male", "retirement_age_female", "notice_due_days"]


class Command(BaseCommand):
    help = "政策参数：为尚无参数的地区载入示例参数（load-samples）、查看（show）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load-samples", help=f"为尚无参数的地区载入{SAMPLE_LABEL}")
        show = sub.add_parser("show", help="列出各地区的参数版本")
        show.add_argument("--region", help="地区代码")

    def handle(self, *args, action, **options):
        if action == "load-samples":
            created = load_sample_parameters(channel=Channel.COMMAND)
            for version in created:
                self.stdout.write(f"已载入：{version}")
            self.stdout.write(f"共载入{len(created)}个地区的{SAMPLE_LABEL}")
            return
        versions = PolicyParameters.objects.select_related("region")
        if options.get("region"):
            if not Region.objects.filter(code=options["region"]).exists():
                raise CommandError(f"未知的地区代码：{options['region']}")
            versions = versions.filter(region__code=options["region"])
        for version in versions:
            self.stdout.write(str(version))
            for name in SHOWN:
                value = getattr(version, name)
                if value is not None:
                    self.stdout.write(f"  {version._meta.get_field(name).verbose_name}：{value}")
