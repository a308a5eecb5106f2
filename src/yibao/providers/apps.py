from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "yibao.providers"
    verbose_name = "定点医药机构与费用结算"

    def ready(self):
        from yibao.providers import handlers

        handlers.register_all()
