from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "yibao.enrollment"
    verbose_name = "参保登记"

    def ready(self):
        from yibao.cases.interface import register_module

        register_module("yibao.enrollment.handlers")  # imported when a handler is first asked for
