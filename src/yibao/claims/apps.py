from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "yibao.claims"
    verbose_name = "手工报销与支付政策"

    def ready(self):
        from yibao.cases.interface import register_module

        register_module("yibao.claims.handlers")  # imported when a handler is first asked for
