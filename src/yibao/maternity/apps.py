from django.apps import AppConfig


class MaternityConfig(AppConfig):
    name = "yibao.maternity"
    verbose_name = "生育保险待遇"

    def ready(self):
        from yibao.cases.interface import register_module

        register_module("yibao.maternity.handlers")  # imported when a handler is first asked for
