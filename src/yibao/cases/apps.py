from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "yibao.cases"
    verbose_name = "办件"
