from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "yibao.api"
    verbose_name = "接口"
