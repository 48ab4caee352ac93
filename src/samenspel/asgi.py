"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from samenspel.lib.env import start_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
# A missing or wrong setting stops the start with one line naming the variable, exit code 2.
application = start_or_exit(get_asgi_application)
