"""The notification pages: the list, opening one, marking read, and the mail settings.

Each page reads through notifications.selectors and changes through notifications.services.
What a notification is about is shown only as far as the access policy lets its reader see it.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samenspel.accounts.selectors import request_user
from samenspel.notifications import selectors, services
from samenspel.notifications.forms import MailTopicsForm
from samenspel.sharing.policy import Denied

PAGE_SIZE = 50


@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    """List the user's notifications, newest first, each with what it is about if visible."""
    me = request_user(request)
    page = Paginator(selectors.notifications_of(me), PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = selectors.rows_for(me, page.object_list)
    unread = selectors.unread_count(me)
    selectors.record_list_read(me, shown=len(rows), unread=unread)
    return render(
        request,
        "notifications/list.html",
        {"page": page, "rows": rows, "unread": unread},
    )


@require_safe
def open_notification(request: HttpRequest, notification_uuid: uuid.UUID) -> HttpResponse:
    """Go to what a notification is about, marking it read; a 404 if the user may not see it."""
    me = request_user(request)
    notification = selectors.get_notification_for(me, notification_uuid)
    target = selectors.target_of(me, notification)
    if target is None:
        raise Denied(notification.object_type, str(notification.object_uuid), exists=True)
    services.mark_read(notification, by=me)
    return redirect(target.url)


@require_POST
def mark_read(request: HttpRequest, notification_uuid: uuid.UUID) -> HttpResponse:
    """Mark one notification read; a second submit changes nothing."""
    me = request_user(request)
    notification = selectors.get_notification_for(me, notification_uuid, record_read=False)
    services.mark_read(notification, by=me)
    return redirect("notifications:list")


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    """Mark all of the user's notifications read."""
    me = request_user(request)
    count = services.mark_all_read(by=me)
    if count:
        messages.success(request, _("Alle berichten zijn gelezen."))
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def mail_settings(request: HttpRequest) -> HttpResponse:
    """Choose which notifications also come by e-mail."""
    me = request_user(request)
    # Bound on every POST: with every box unticked the POST is empty, and that is a choice too.
    posted = request.POST if request.method == "POST" else None
    form = MailTopicsForm(posted, initial={"topics": sorted(selectors.mail_topics(me))})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_mail_topics(form.cleaned_data["topics"], by=me)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Uw keuze is opgeslagen."))
            return redirect("notifications:settings")
    selectors.record_settings_read(me)
    return render(
        request, "notifications/settings.html", {"form": form, "has_email": bool(me.email)}
    )
