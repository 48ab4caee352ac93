from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "samenspel.consultations"
    label = "consultations"
