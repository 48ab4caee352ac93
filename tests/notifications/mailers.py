"""Mail backends for the worker tests: flaky, recording to a file, or hanging (to be killed)."""

from __future__ import annotations

import os
import smtplib
import time
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """Refuse the first `failures` sends like a mail server that is down, then deliver."""

    failures = 0

    def send_messages(self, messages: Any) -> int:
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("mail server went away")
        return int(super().send_messages(messages))


def _log(variable: str, line: str) -> None:
    path = os.environ[variable]
    with open(path, "a", encoding="utf-8") as log:  # one short append: atomic between processes
        log.write(line + "\n")


class RecordingBackend(BaseEmailBackend):
    """Append the Message-ID of every mail sent to the file SAMENSPEL_TEST_MAIL_LOG."""

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            time.sleep(0.01)  # as a mail server takes a moment: lets racing workers overlap
            _log("SAMENSPEL_TEST_MAIL_LOG", str(message.message()["Message-ID"]))
        return len(messages)


class HangingBackend(BaseEmailBackend):
    """Note the Message-ID in SAMENSPEL_TEST_HANG_LOG, then hang: a worker to be killed."""

    def send_messages(self, messages: Any) -> int:
        for message in messages:
            _log("SAMENSPEL_TEST_HANG_LOG", str(message.message()["Message-ID"]))
        time.sleep(600)
        return 0
