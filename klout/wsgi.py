import os

from klout.startup import load_settings_or_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klout.settings")
load_settings_or_exit()

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
