from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "yibao.providers"
    verbose_name = "定点医药机构与费用结算"

    def ready(self):
        from yibao.cases.interface import register_module
        from yibao.providers import queries
        from yibao.remote_care.referrals import register_referrer

        register_module("yibao.providers.handlers")  # imported when a handler is first asked for
        register_referrer(queries.referring_provider)  # R39's question, asked by remote care
