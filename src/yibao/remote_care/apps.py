from django.apps import AppConfig


class RemoteCareConfig(AppConfig):
    name = "yibao.remote_care"
    verbose_name = "异地就医备案"

    def ready(self):
        from yibao.cases.interface import register_module

        register_module("yibao.remote_care.handlers")  # imported when a handler is first asked for
