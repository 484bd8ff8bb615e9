"""A refusal in words: the one sentence a person is shown when a service says no.

Services refuse with a `ValidationError` (one or more translated messages) or a
`PermissionDenied` (one translated sentence, sometimes none). Views, admin pages and
commands all show the refusal the same way, so they all ask this module for it.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _


def refusal_text(error: ValidationError | PermissionDenied, *, fallback: str = "") -> str:
    """The refusal's sentence(s), joined by a space; `fallback` (or "You may not do
    this.") when a bare PermissionDenied carries none, so nobody is shown an empty box."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or fallback or _("You may not do this.")
