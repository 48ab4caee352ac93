from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "samenspel.audit"
    label = "audit"
    verbose_name = _("Logboek")

    def ready(self) -> None:
        from samenspel.audit import checks  # noqa: F401  (registers system checks)
