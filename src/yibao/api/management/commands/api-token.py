"""`yibao api-token create NAME --region CODE [--app] [--role ROLE ...] [--office NAME]`: register
an API client and print its token once (only a hash is kept). `list` shows the clients, `revoke
NAME` disables one and revokes its tokens."""
from django.core.management.base import BaseCommand, CommandError

from yibao.api import actions
from yibao.api.errors import ApiError
from yibao.api.models import ApiCall, ApiClient, ClientKind
from yibao.catalog.models import Region
from yibao.people.actions import StaffRefused
from yibao.people.models import Role


class Command(BaseCommand):
    help = "接口客户端与令牌"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="sub", required=True)
        create = sub.add_parser("create", help="新增客户端并显示其令牌（只显示这一次）")
        create.add_argument("name", help="客户端名称")
        create.add_argument("--region", help="地区代码（合作系统必填；应用可省略，即不限地区）")
        create.add_argument("--app", action="store_true", help="应用（代表登录的申请人办理），默认为合作系统")
        create.add_argument("--role", action="append", choices=Role.values, default=[],
                            help="合作系统服务账号的角色，可重复；默认 clerk（窗口受理）")
        create.add_argument("--office", default="", help="合作系统服务账号所属经办机构")
        sub.add_parser("list", help="列出客户端")
        revoke = sub.add_parser("revoke", help="停用客户端并注销其全部令牌")
        revoke.add_argument("name")

    def handle(self, *args, sub, **options):
        getattr(self, f"_{sub}")(**options)

    def _create(self, name, region, app, role, office, **_):
        area = None
        if region:
            area = Region.objects.filter(code=region).first()
            if area is None:
                raise CommandError(f"未找到地区“{region}”")
        try:
            client, token = actions.create_client(
                name, ClientKind.APP if app else ClientKind.PARTNER, area, roles=role, office=office
            )
        except (ApiError, StaffRefused) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已创建{client.get_kind_display()}“{client.name}”（{area.name if area else '不限地区'}）")
        self.stdout.write("令牌（只显示这一次，请妥善保存；请求时放在 Authorization: Bearer 头中）：")
        self.stdout.write(token)

    def _list(self, **_):
        for client in ApiClient.objects.select_related("region", "user__staff_profile"):
            last = ApiCall.objects.filter(client=client).order_by("-at").values_list("at", flat=True).first()
            fields = [
                client.name,
                client.get_kind_display(),
                client.region.name if client.region_id else "不限地区",
                client.user.staff_profile.role_names if client.user_id else "",
                "启用" if client.active else "已停用",
                f"最近调用 {last:%Y-%m-%d %H:%M}" if last else "未调用",
            ]
            self.stdout.write("\t".join(fields))

    def _revoke(self, name, **_):
        client = ApiClient.objects.filter(name=name).first()
        if client is None:
            raise CommandError(f"未找到客户端“{name}”")
        actions.revoke_client(client, None)
        self.stdout.write(f"已停用“{name}”并注销其令牌")
