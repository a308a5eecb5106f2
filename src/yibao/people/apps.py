from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "yibao.people"
    verbose_name = "用户与角色"
