import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yibao.settings")
application = get_wsgi_application()
# What loading made (modules, settings, URL patterns, API schemas) lives as long as the process:
# kept out of the collector's full passes, which would otherwise walk it again and again (~2 % of
# a submission's time).
gc.freeze()
