from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "yibao.claims"
    verbose_name = "手工报销与支付政策"

    def ready(self):
        from yibao.claims import handlers

        handlers.register_all()
