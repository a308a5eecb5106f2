from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yibao.core"
    verbose_name = "公共"
