"""`yibao guides import|load-defaults|report`: bring published guides into the catalogue and say
what was found in them."""
import datetime
import re
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from yibao.catalog.guides.importer import GuideImportError, import_files, load_defaults
from yibao.catalog.guides.parsed import GuideFormatError
from yibao.catalog.models import Guide, ItemOffice

_LANDLINE = re.compile(r"^(0\d{2,3})-(\d+)$")
# 12345 and 12393 are the government service hotlines, dialled after an area code too.
_PHONE = re.compile(r"^(?:0\d{2,3}-(?:\d{7,8}|12345|12393)(?:转\d+号?键?)?|1\d{10}|12345|12393)$")


def _bare(phone):
    return re.sub(r"[（(][^）)]*[）)]", "", phone).strip()


def suspicious_values(guide):
    """Values a reviewer should look at: malformed phones, unknown or duplicate items, mismatched titles."""
    found = []
    entries = list(
        ItemOffice.objects.filter(item__guide=guide).select_related("item", "office").order_by("item__ordinal", "ordinal")
    )
    # within one area code, local numbers have one length: an odd length is a typo
    lengths = Counter(
        (m.group(1), len(m.group(2)))
        for e in entries for p in e.consult_phones + e.complaint_phones if (m := _LANDLINE.match(_bare(p)))
    )
    usual = {}
    for (area, length), _ in lengths.most_common():
        usual.setdefault(area, length)
    for entry in entries:
        for phone in entry.consult_phones + entry.complaint_phones:
            number = _bare(phone)
            landline = _LANDLINE.match(number)
            odd = landline and usual.get(landline.group(1)) != len(landline.group(2))
            if number and (not _PHONE.match(number) or odd):
                found.append(f"事项{entry.item.ordinal} {entry.office.name}：电话号码格式可疑“{phone}”")
    places = {}  # the same message at many places is said once, with its places
    for warning in guide.report.get("warnings", []):
        message = warning.get("message", "")
        if any(k in message for k in ("连在一起", "未识别", "重复", "不一致", "为空", "推测", "无法识别", "没有提到评价")):
            where = f"事项{warning['item']}" if "item" in warning else f"第{warning.get('line', 0)}行"
            places.setdefault(message, []).append(where)
    for message, wheres in places.items():
        shown = "、".join(wheres[:5]) + (f"等{len(wheres)}处" if len(wheres) > 5 else "")
        found.append(f"{shown}：{message}")
    return found


class Command(BaseCommand):
    help = "办事指南：导入（import）、装载内置指南（load-defaults）、导入报告（report）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="导入办事指南文件")
        imp.add_argument("files", nargs="+", metavar="FILE")
        imp.add_argument("--region", help="地区代码（不给则从文本判断）")
        imp.add_argument("--edition", default="", help="版次说明")
        imp.add_argument("--effective", help="生效日期 YYYY-MM-DD（默认今天）")
        sub.add_parser("load-defaults", help="导入内置的办事指南（可重复执行）")
        rep = sub.add_parser("report", help="每份指南的导入情况")
        rep.add_argument("--region", help="只看这个地区")

    def handle(self, *args, action, **options):
        try:
            if action == "import":
                self._import(options)
            elif action == "load-defaults":
                self._load_defaults()
            else:
                self._report(options.get("region"))
        except (GuideFormatError, GuideImportError) as exc:
            raise CommandError(str(exc)) from exc

    def _say(self, guide, created):
        verb = "已导入" if created else "未变化（同一内容已导入）"
        self.stdout.write(
            f"{verb}：{guide.source} → {guide.region.name}（{guide.region.code}）"
            f" {guide.edition or '未注明版次'}，生效日期 {guide.effective_from}，{guide.items.count()}个事项"
        )

    def _import(self, options):
        effective = None
        if options.get("effective"):
            try:
                effective = datetime.date.fromisoformat(options["effective"])
            except ValueError as exc:
                raise CommandError(f"生效日期格式应为 YYYY-MM-DD：{options['effective']}") from exc
        results = import_files(
            options["files"], region=options.get("region"), edition=options.get("edition") or "", effective=effective
        )
        for guide, created in results:
            self._say(guide, created)

    def _load_defaults(self):
        for guide, created in load_defaults():
            self._say(guide, created)

    def _report(self, region):
        guides = Guide.objects.select_related("region").order_by("region__sort_order", "effective_from", "id")
        if region:
            guides = guides.filter(region__code=region)
        in_force = set(Guide.objects.in_force().values_list("pk", flat=True))
        if not guides:
            self.stdout.write("还没有导入任何办事指南。")
        for guide in guides:
            report = guide.report or {}
            mark = "（现行）" if guide.pk in in_force else ""
            self.stdout.write(f"== {guide.source}：{guide.region.name} {guide.edition}{mark}，版式 {guide.family}")
            self.stdout.write(f"  事项：{report.get('items', guide.items.count())}个")
            empty = report.get("empty_fields", {})
            if empty:
                listing = "，".join(f"{k} {v}" for k, v in empty.items())
                self.stdout.write(f"  字段为空（事项数）：{listing}")
            else:
                self.stdout.write("  字段为空：无")
            noise = report.get("noise", [])
            self.stdout.write(f"  丢弃的识别噪声：{len(noise)}行" + (
                "（第" + "、".join(str(n["line"]) for n in noise[:20]) + "行）" if noise else ""
            ))
            suspicious = suspicious_values(guide)
            self.stdout.write(f"  可疑之处：{len(suspicious)}处")
            for line in suspicious:
                self.stdout.write(f"    - {line}")
