from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SquareConfig(AppConfig):
    name = "square"
    verbose_name = _("Square")
