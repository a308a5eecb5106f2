from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "yibao.workdays"
    verbose_name = "法定工作日"
