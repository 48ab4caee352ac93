"""Rules for notifications, their mail outbox rows and the users' mail choices."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from samenspel.sharing.policy import NOTHING, Action, rule

if TYPE_CHECKING:
    from samenspel.accounts.models import User


# A notification is personal: only its recipient sees it and marks it read. What it is about
# (a case, a signal, a transfer) is checked apart, through that object's own rule, when it is
# read (notifications.selectors). Its mail outbox row is the worker's: no user reaches it.


@rule("notifications.notification")
def _notifications(user: User, action: Action) -> Q:
    return Q(recipient_id=user.pk)


@rule("notifications.delivery")
def _notification_deliveries(user: User, action: Action) -> Q:
    return NOTHING


@rule("notifications.mailchoice")
def _mail_choices(user: User, action: Action) -> Q:
    return Q(user_id=user.pk)
