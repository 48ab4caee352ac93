"""Canary values used during logins and administration never reach the audit log."""

from __future__ import annotations

import base64
import json

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenspel.accounts import services
from samenspel.audit.models import AuditEvent
from samenspel.testing import PASSWORD, Cast, current_code, force_verified_login


def test_passwords_codes_and_session_keys_stay_out_of_the_log(cast: Cast) -> None:
    canary_password = "kanarie-wachtwoord-9431"
    codes = services.create_recovery_codes(cast.case_manager)
    client = Client(REMOTE_ADDR="127.0.0.1")
    client.post("/inloggen/", {"username": "casemanager", "password": canary_password})
    client.post("/inloggen/", {"username": "kanarie-gebruiker", "password": canary_password})
    client.post("/inloggen/", {"username": "casemanager", "password": PASSWORD})
    code = current_code(cast.case_manager)
    client.post("/inloggen/code/", {"token": code})
    session_key = client.session.session_key
    other = Client(REMOTE_ADDR="127.0.0.1")
    other.post("/inloggen/", {"username": "casemanager", "password": PASSWORD})
    other.post("/inloggen/herstelcode/", {"code": codes[0]})
    admin = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(admin, cast.admin_a)
    admin.post(
        f"/beheer/gebruikers/{cast.adviser.uuid}/wachtwoord/", {"password": canary_password + "-x"}
    )
    device = TOTPDevice.objects.get(user=cast.case_manager, confirmed=True)
    secrets_ = [
        canary_password,
        PASSWORD,
        "kanarie-gebruiker",
        session_key,
        device.key,
        base64.b32encode(device.bin_key).decode().rstrip("="),
        codes[0],
        codes[0].replace("-", ""),
    ]
    dump = json.dumps(
        [
            {f.name: str(getattr(row, f.attname)) for f in AuditEvent._meta.concrete_fields}
            for row in AuditEvent.objects.all()
        ]
    )
    assert AuditEvent.objects.count() > 5
    for secret in secrets_:
        assert secret and secret not in dump, secret
    assert code not in dump.replace(str(cast.case_manager.uuid), "")
