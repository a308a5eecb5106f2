from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "yibao.providers"
    verbose_name = "定点医药机构与费用结算"

    def ready(self):
        from yibao.providers import handlers, queries
        from yibao.remote_care.referrals import register_referrer

        handlers.register_all()
        register_referrer(queries.referring_provider)  # R39's question, asked by remote care
