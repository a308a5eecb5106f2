from django.apps import AppConfig


class EntitlementsConfig(AppConfig):
    name = "yibao.entitlements"
    verbose_name = "待遇认定"

    def ready(self):
        from yibao.cases.interface import register_module

        register_module("yibao.entitlements.handlers")  # imported when a handler is first asked for
