from django.apps import AppConfig


class MedicalAidConfig(AppConfig):
    name = "yibao.medical_aid"
    verbose_name = "医疗救助"

    def ready(self):
        from yibao.cases.interface import register_module

        register_module("yibao.medical_aid.handlers")  # imported when a handler is first asked for
