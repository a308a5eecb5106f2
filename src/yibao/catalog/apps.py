from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "yibao.catalog"
    verbose_name = "办事指南"
