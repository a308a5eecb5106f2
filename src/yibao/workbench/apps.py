from django.apps import AppConfig


class WorkbenchConfig(AppConfig):
    name = "yibao.workbench"
    verbose_name = "经办工作台"
