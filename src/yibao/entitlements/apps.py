from django.apps import AppConfig


class EntitlementsConfig(AppConfig):
    name = "yibao.entitlements"
    verbose_name = "待遇认定"

    def ready(self):
        from yibao.entitlements import handlers

        handlers.register_all()
