"""Reading payment orders."""
from yibao.payments.models import PaymentOrder


def order_for_case(case):
    """The case's payment order, or None."""
    return PaymentOrder.objects.filter(case=case).first()
