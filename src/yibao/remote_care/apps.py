from django.apps import AppConfig


class RemoteCareConfig(AppConfig):
    name = "yibao.remote_care"
    verbose_name = "异地就医备案"

    def ready(self):
        from yibao.remote_care import handlers

        handlers.register_all()
