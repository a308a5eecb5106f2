from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "yibao.contributions"
    verbose_name = "缴费与凭证"

    def ready(self):
        from yibao.cases.interface import register_module

        register_module("yibao.contributions.handlers")  # imported when a handler is first asked for
