"""The WSGI entry point for gunicorn (``gunicorn retrowalk.web.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "retrowalk.web.settings")
application = get_wsgi_application()
