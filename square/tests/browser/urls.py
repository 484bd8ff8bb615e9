"""The site's URLs plus the uploads, for the browser tests' live server.

The test settings run with DEBUG and SERVE_MEDIA off, so nothing serves MEDIA_ROOT; a
browser must see the images people upload. MEDIA_ROOT is read per request because each
test has its own folder.
"""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from square.project.urls import urlpatterns as site_urlpatterns


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [*site_urlpatterns, re_path(r"^media/(?P<path>.*)$", media)]
