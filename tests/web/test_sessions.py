from __future__ import annotations

import re
import time

from django.conf import settings
from django.test import Client, override_settings

from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.testing import PASSWORD, Cast, force_verified_login, log_in
from samenspel.web.middleware import LOGIN_AT


def test_logout_ends_every_session_of_the_account(cast: Cast) -> None:
    laptop, phone = Client(REMOTE_ADDR="127.0.0.1"), Client(REMOTE_ADDR="127.0.0.1")
    log_in(laptop, cast.case_manager)
    force_verified_login(phone, cast.case_manager)
    assert phone.get("/").status_code == 200
    response = laptop.post("/uitloggen/")
    assert response.status_code == 302
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert AuditEvent.objects.filter(event=Event.LOGOUT, actor=cast.case_manager).count() == 1


def test_logout_needs_a_post(cast: Cast, client: Client) -> None:
    log_in(client, cast.case_manager)
    assert client.get("/uitloggen/").status_code == 405
    assert client.get("/").status_code == 200


def test_idle_session_expires_with_a_clear_message(cast: Cast, client: Client) -> None:
    log_in(client, cast.case_manager)
    # The server forgets idle sessions (SESSION_COOKIE_AGE: idle minutes, renewed per request).
    from django.contrib.sessions.models import Session

    Session.objects.all().delete()
    response = client.get("/", follow=True)
    assert "Uw sessie is verlopen. Log opnieuw in." in response.content.decode()
    assert AuditEvent.objects.filter(
        event=Event.SESSION_EXPIRED, details__reason="unknown_session"
    ).exists()


def test_idle_timeout_defaults_to_fifteen_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_absolute_lifetime_ends_the_session(cast: Cast, client: Client) -> None:
    log_in(client, cast.case_manager)
    session = client.session
    session[LOGIN_AT] = time.time() - settings.SESSION_ABSOLUTE_HOURS * 3600 - 1
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/inloggen/"
    assert AuditEvent.objects.filter(
        event=Event.SESSION_EXPIRED, actor=cast.case_manager, details__reason="absolute"
    ).exists()
    assert client.get("/").status_code == 302


def test_session_key_changes_at_login_and_at_second_factor(cast: Cast, client: Client) -> None:
    client.get("/inloggen/")
    client.post("/inloggen/", {"username": "casemanager", "password": PASSWORD})
    after_password = client.session.session_key
    from samenspel.testing import current_code

    client.post("/inloggen/code/", {"token": current_code(cast.case_manager)})
    assert client.session.session_key != after_password


def _strip_tokens(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'name="username" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def test_unknown_user_and_wrong_password_get_the_same_answer(cast: Cast) -> None:
    unknown = Client(REMOTE_ADDR="127.0.0.1").post(
        "/inloggen/", {"username": "niemand", "password": "x" * 12}
    )
    wrong = Client(REMOTE_ADDR="127.0.0.1").post(
        "/inloggen/", {"username": "casemanager", "password": "x" * 12}
    )
    assert unknown.status_code == wrong.status_code == 400
    assert _strip_tokens(unknown.content.decode()) == _strip_tokens(wrong.content.decode())
    failed = AuditEvent.objects.filter(event=Event.LOGIN_FAILED)
    assert failed.count() == 2
    # The attempted name is kept only as a keyed hash, never as text.
    assert all("niemand" not in str(row.details) for row in failed)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_after_repeated_failures_with_a_dutch_message(cast: Cast) -> None:
    client = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(2):
        assert (
            client.post("/inloggen/", {"username": "casemanager", "password": "fout"}).status_code
            == 400
        )
    locked = client.post("/inloggen/", {"username": "casemanager", "password": "fout"})
    assert locked.status_code == 429
    assert "Te veel pogingen" in locked.content.decode()
    # Even the right password is refused while locked.
    again = client.post("/inloggen/", {"username": "casemanager", "password": PASSWORD})
    assert again.status_code == 429
    assert AuditEvent.objects.filter(event=Event.LOGIN_LOCKED_OUT).exists()
    # Another address is not locked out: a third party cannot lock somebody out from elsewhere.
    elsewhere = Client(REMOTE_ADDR="10.8.8.8")
    assert (
        elsewhere.post("/inloggen/", {"username": "casemanager", "password": PASSWORD}).status_code
        == 302
    )


def test_wrong_code_is_refused_and_audited(cast: Cast, client: Client) -> None:
    client.post("/inloggen/", {"username": "casemanager", "password": PASSWORD})
    response = client.post("/inloggen/code/", {"token": "000000"})
    assert response.status_code == 400
    assert "klopt niet" in response.content.decode()
    assert AuditEvent.objects.filter(event=Event.MFA_FAILED, actor=cast.case_manager).exists()
    garbage = client.post("/inloggen/code/", {"token": "abc"})
    assert garbage.status_code == 400
    assert client.get("/").status_code == 302


def test_recovery_code_works_once(cast: Cast) -> None:
    from samenspel.accounts import services

    codes = services.create_recovery_codes(cast.case_manager)
    first = Client(REMOTE_ADDR="127.0.0.1")
    first.post("/inloggen/", {"username": "casemanager", "password": PASSWORD})
    assert first.post("/inloggen/herstelcode/", {"code": codes[0].lower()}).status_code == 302
    assert first.get("/").status_code == 200
    second = Client(REMOTE_ADDR="127.0.0.1")
    second.post("/inloggen/", {"username": "casemanager", "password": PASSWORD})
    response = second.post("/inloggen/herstelcode/", {"code": codes[0]})
    assert response.status_code == 400
    assert (
        AuditEvent.objects.filter(event=Event.RECOVERY_CODE_USED, actor=cast.case_manager).count()
        == 1
    )


def test_recovery_codes_are_stored_only_as_hashes(cast: Cast) -> None:
    from samenspel.accounts import services
    from samenspel.accounts.models import RecoveryCode

    codes = services.create_recovery_codes(cast.case_manager)
    stored = " ".join(f"{r.salt} {r.digest}" for r in RecoveryCode.objects.all())
    for code in codes:
        assert code.replace("-", "") not in stored


def test_first_login_enrols_totp_with_a_qr_code(cast: Cast, client: Client) -> None:
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from samenspel.accounts.models import Role
    from samenspel.testing import make_user

    newbie = make_user(cast.municipality_a, Role.CASE_DIRECTOR, username="newbie", with_totp=False)
    response = client.post("/inloggen/", {"username": "newbie", "password": PASSWORD})
    assert response["Location"] == "/inloggen/tweede-factor-instellen/"
    page = client.get("/inloggen/tweede-factor-instellen/")
    assert "<svg" in page.content.decode()
    assert client.get("/").status_code == 302  # not usable before enrolment
    device = TOTPDevice.objects.get(user=newbie, confirmed=False)
    wrong = client.post("/inloggen/tweede-factor-instellen/", {"token": "123456"})
    assert wrong.status_code == 400
    # django-otp throttles after a failure; let the back-off pass.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    done = client.post("/inloggen/tweede-factor-instellen/", {"token": f"{totp.token():06d}"})
    assert done.status_code == 200
    assert done.content.decode().count("ss-codes") == 1
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(event=Event.MFA_ENROLLED, actor=newbie).exists()
