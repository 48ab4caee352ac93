"""The demo data leaves notifications for the demo users, and the demo runs the worker."""

from __future__ import annotations

import pytest
from django.core import mail

from samenspel.accounts.models import User
from samenspel.notifications import selectors, services
from samenspel.notifications.models import Topic


@pytest.mark.django_db
def test_the_demo_users_find_notifications_and_acute_mails_go_out() -> None:
    from samenspel.demo import data

    data.load()
    expected = {
        "regisseur": Topic.SIGNAL_ACUTE,
        "politie": Topic.MEMBER_ADDED,
        "weide.regisseur": Topic.TRANSFER_REQUESTED,
    }
    for username, topic in expected.items():
        user = User.objects.with_roles().get(username=username)
        rows = selectors.rows_for(user, selectors.notifications_of(user))
        assert topic in {row.notification.topic for row in rows}, username
        assert all(row.target is not None for row in rows), username
        assert selectors.unread_count(user) == len(rows)
    result = services.run_pass()
    assert result.sent >= 1
    assert "regisseur@demo.invalid" in {m.to[0] for m in mail.outbox}
