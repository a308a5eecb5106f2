from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "yibao.enrollment"
    verbose_name = "参保登记"

    def ready(self):
        from yibao.enrollment import handlers

        handlers.register_all()
