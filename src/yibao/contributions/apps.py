from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "yibao.contributions"
    verbose_name = "缴费与凭证"

    def ready(self):
        from yibao.contributions import handlers

        handlers.register_all()
