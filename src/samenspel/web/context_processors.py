"""The navigation of the page shell, by role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from samenspel.accounts.models import User
from samenspel.accounts.selectors import is_verified
from samenspel.intake import services as intake_services
from samenspel.notifications import selectors as notification_selectors
from samenspel.sharing.policy import allowed


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not is_verified(user):
        return {"shell_nav": []}
    items = [(reverse("web:home"), _("Start"))]
    if intake_services.may_report(user):
        items.append((reverse("intake:my_signals"), _("Signalen")))
    if intake_services.municipalities_triaged_by(user):
        items.append((reverse("intake:queue"), _("Weeglijst")))
    items.append((reverse("cases:list"), _("Casussen")))
    if allowed(user, "consultation.take_part"):
        items.append((reverse("consultations:series_list"), _("Overleg")))
    if allowed(user, "measure.calendar"):
        items.append((reverse("measures:calendar"), _("Termijnen")))
    items.append((reverse("frameworks:overview"), _("Kader")))
    items.append((reverse("web:organisation_list"), _("Organisaties")))
    items.append((reverse("web:user_list"), _("Gebruikers")))
    if allowed(user, "audit.read"):
        items.append((reverse("web:audit_log"), _("Logboek")))
    if allowed(user, "break_glass.review_queue"):
        items.append((reverse("cases:break_glass_queue"), _("Noodtoegang")))
    # The current item is the one with the longest URL that the path starts with: on
    # /signalen/weeglijst/ that is "Weeglijst", not also "Signalen".
    path = request.path
    matches = [url for url, _label in items if path == url or (url != "/" and path.startswith(url))]
    current = max(matches, key=len, default=None)
    nav = [{"url": url, "label": label, "current": url == current} for url, label in items]
    return {"shell_nav": nav, "unread_notifications": notification_selectors.unread_count(user)}
