"""Staff tools, one module per subject: users (and roles), bans, posts (with comments,
revisions and hashtags), interactions, the moderation queue. Admin actions call the same
services as the site, so they cannot disagree. Importing each module registers it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from square.admin import bans, interactions, moderation, posts, summary, users  # noqa: F401
from square.forms import AdminLoginForm

# The admin's login page throttles failed attempts like the site's (square.login_throttle).
admin.site.login_form = AdminLoginForm
admin.site.site_header = _("Square administration")
admin.site.site_title = _("Square admin")
admin.site.index_title = _("Community and campaigns")
