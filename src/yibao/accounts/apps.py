from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yibao.accounts"
    verbose_name = "个人账户与转移接续"

    def ready(self):
        from yibao.cases.interface import register_module

        register_module("yibao.accounts.handlers")  # imported when a handler is first asked for
        register_module("yibao.accounts.transfer")
