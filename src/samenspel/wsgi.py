"""WSGI entry point for production servers (for example gunicorn samenspel.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samenspel.settings")
application = get_wsgi_application()
