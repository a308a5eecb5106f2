from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "yibao.api"
    verbose_name = "接口"

    def ready(self):
        from yibao.api import signals  # noqa: F401  (connects the password-change receiver)
