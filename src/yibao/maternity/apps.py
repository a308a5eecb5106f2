from django.apps import AppConfig


class MaternityConfig(AppConfig):
    name = "yibao.maternity"
    verbose_name = "生育保险待遇"

    def ready(self):
        from yibao.maternity import handlers

        handlers.register_all()
