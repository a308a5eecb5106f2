"""`yibao enrollment import-sheet FILE --employer USCC`: an employer's 增加/减少 sheet filed as one 职工参保登记 case (accepted on receipt; all rows apply at 办结).
`yibao enrollment export-roster --employer USCC -o FILE`: the employer's roster.
`yibao enrollment export -o FILE [--region CODE] [--scheme employee|resident] [--status ...] [--full]`:
enrolments matching the filters (masked unless --full)."""
from django.core.management.base import BaseCommand, CommandError

from yibao.core.models import Channel
from yibao.enrollment.exceptions import RegisterError
from yibao.enrollment.models import Employer, Enrollment, EnrollmentStatus, Scheme
from yibao.enrollment.sheets import SheetInvalid, export_enrollments, export_roster, import_sheet


class Command(BaseCommand):
    help = "参保登记：批量增减导入、花名册与参保信息导出"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        imp = sub.add_parser("import-sheet", help="登记单位职工增减表为一件职工参保登记办件（整表校验，办结时全部行一并生效）")
        imp.add_argument("file")
        imp.add_argument("--employer", required=True, help="参保单位统一社会信用代码")
        roster = sub.add_parser("export-roster", help="导出单位职工花名册")
        roster.add_argument("--employer", required=True)
        roster.add_argument("-o", "--output", required=True)
        roster.add_argument("--all", action="store_true", help="包括已减少、已终止的人员")
        exp = sub.add_parser("export", help="导出参保信息查询结果")
        exp.add_argument("-o", "--output", required=True)
        exp.add_argument("--region", help="地区代码")
        exp.add_argument("--scheme", choices=Scheme.values)
        exp.add_argument("--status", choices=EnrollmentStatus.values)
        exp.add_argument("--employer", help="参保单位统一社会信用代码")
        exp.add_argument("--full", action="store_true", help="不遮蔽证件号码和电话")

    def handle(self, *args, **options):
        try:
            getattr(self, options["sub"].replace("-", "_"))(options)
        except SheetInvalid as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"表格有{len(exc.errors)}处错误，未导入任何一行") from None
        except RegisterError as exc:
            raise CommandError(exc.message) from None

    def import_sheet(self, options):
        case = import_sheet(options["file"], employer_uscc=options["employer"], actor=None, channel=Channel.SYSTEM)
        self.stdout.write(f"已登记职工参保登记办件{case.receipt_no}（{case.applicant.name}，"
                          f"{len(case.data['sheet']['rows'])}行，已受理）：审核、办结后全部行一并生效")

    def _employer(self, uscc):
        employer = Employer.objects.filter(uscc=uscc.strip().upper()).first()
        if employer is None:
            raise CommandError(f"未找到参保单位：{uscc}")
        return employer

    def export_roster(self, options):
        employer = self._employer(options["employer"])
        export_roster(employer, options["output"], include_ended=options["all"])
        self.stdout.write(f"已导出{employer.name}花名册：{options['output']}")

    def export(self, options):
        rows = Enrollment.objects.all()
        if options["region"]:
            rows = rows.filter(region__code=options["region"])
        if options["scheme"]:
            rows = rows.filter(scheme=options["scheme"])
        if options["status"]:
            rows = rows.filter(status=options["status"])
        if options["employer"]:
            rows = rows.filter(employer=self._employer(options["employer"]))
        export_enrollments(rows, options["output"], masked=not options["full"])
        self.stdout.write(f"已导出{rows.count()}条参保信息：{options['output']}")
