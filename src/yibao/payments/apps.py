from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "yibao.payments"
    verbose_name = "拨付"

    def ready(self):
        # The engine asks the disbursement core for an order at 拨付 (it imports no domain).
        from yibao.cases.interface import register_disburser
        from yibao.payments.actions import disburse, paid_orders

        register_disburser(disburse, paid_orders)
