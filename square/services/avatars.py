"""A member's avatar: re-encoded within its decoding limit, and the file it replaces
removed once the change has committed (so a rolled-back change keeps the old one)."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from square.images import ImageRejected, process_avatar
from square.models import User

logger = logging.getLogger(__name__)


def _file_delete(storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # a storage outage leaves one stray file, never a failed request
        logger.exception("Could not remove the replaced avatar %s", name)


def avatar_set(*, user: User, avatar) -> None:
    """Put the re-encoded `avatar` on `user` (the caller saves it, in its transaction).

    Every upload used to leave the previous file behind. The old file is deleted through
    the storage API (local disk or S3 alike) only after the transaction commits; the old
    name is read under a row lock, so two changes at once cannot both miss a file."""
    try:
        content = process_avatar(avatar)
    except ImageRejected as exc:
        raise ValidationError({"avatar": str(exc)}) from None
    rows = User.objects.select_for_update().filter(pk=user.pk)
    old = rows.values_list("avatar", flat=True).first() or ""
    user.avatar = content
    storage = user.avatar.storage

    def remove_old() -> None:
        if old and old != user.avatar.name:
            _file_delete(storage, old)

    transaction.on_commit(remove_old)
