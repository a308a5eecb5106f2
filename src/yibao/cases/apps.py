from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "yibao.cases"
    verbose_name = "办件"

    def ready(self):
        from yibao.cases import receivers  # noqa: F401  (connects the calendar receiver)
