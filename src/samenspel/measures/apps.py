from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "samenspel.measures"
    label = "measures"
