from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "samenspel.sharing"
    label = "sharing"
    verbose_name = _("Toegang")

    def ready(self) -> None:
        from samenspel.sharing import rules

        rules.load()
