from django.apps import AppConfig


class MedicalAidConfig(AppConfig):
    name = "yibao.medical_aid"
    verbose_name = "医疗救助"

    def ready(self):
        from yibao.medical_aid import handlers

        handlers.register_all()
