"""Test settings: Samenspel's own settings with SAMENSPEL_ENV=test and a throwaway data folder."""

import os
import tempfile

os.environ.setdefault("SAMENSPEL_ENV", "test")
os.environ.setdefault("SAMENSPEL_DATA_DIR", tempfile.mkdtemp(prefix="samenspel-test-"))

from samenspel.settings import *  # noqa: F403

# Argon2 costs ~0.1 s a hash; tests create many users. test_settings checks production uses argon2.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
