from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yibao.accounts"
    verbose_name = "个人账户与转移接续"

    def ready(self):
        from yibao.accounts import handlers, transfer

        handlers.register_all()
        transfer.register_all()
