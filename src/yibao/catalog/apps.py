from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "yibao.catalog"
    verbose_name = "办事指南"

    def ready(self):
        from yibao.catalog import version  # noqa: F401  (every catalogue change moves its counter)
