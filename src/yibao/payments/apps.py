from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "yibao.payments"
    verbose_name = "拨付"
