from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from square.names import username_breaks_urls, username_skeleton


class User(AbstractUser):
    """A member of the square. Never deleted: deactivation keeps their posts and history.

    Usernames are ASCII so that an @mention ends where Chinese text resumes; people's
    names in any script go in `display_name`.
    """

    username_validator = ASCIIUsernameValidator()
    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        help_text=_("Up to 150 English letters, digits and @/./+/-/_ — people @mention you by it."),
        validators=[username_validator],
        error_messages={"unique": _("This username is already taken.")},
    )
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    bio = models.CharField(_("bio"), max_length=300, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/%m/", blank=True)
    # Denormalised counters (exact: kept by the services that change the rows).
    post_count = models.PositiveIntegerField(_("post count"), default=0)
    follower_count = models.PositiveIntegerField(_("followers"), default=0)
    following_count = models.PositiveIntegerField(_("following"), default=0)
    # Carries the official badge; only superusers set it (like is_staff), never members.
    is_official = models.BooleanField(
        _("official account"),
        default=False,
        help_text=_(
            "An official Square account, e.g. the operations team's: it carries the official badge."
        ),
    )
    # The username's confusable skeleton (square.names.username_skeleton): unique (Meta),
    # so two look-alike usernames (lin_xiaoyu, Iin_xiaoyu) cannot both sign up, even at
    # the same instant. Null (not "": NULLs are distinct under the constraint) only for
    # older accounts whose skeleton another already had.
    username_skeleton = models.CharField(  # noqa: DJ001
        _("username skeleton"), max_length=300, null=True, blank=True, editable=False
    )
    # A ban keeps the account readable but stops it posting and counting (integrity).
    banned_at = models.DateTimeField(_("banned at"), null=True, blank=True)
    ban_reason = models.CharField(_("ban reason"), max_length=500, blank=True)

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # Banning without the moderation queue (the user managers' role, campaigns.roles).
        permissions = [("ban_user", _("Can ban and unban accounts"))]
        constraints = [
            # @Alice and @alice must be one person, or mentions would be ambiguous.
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            # Look-alikes too; a constraint, not unique=True: one index, no LIKE index.
            models.UniqueConstraint(fields=["username_skeleton"], name="user_skeleton_unique"),
        ]

    def __str__(self) -> str:
        return self.username

    def clean(self):
        """A username being chosen (sign-up, or a superuser's rename in the admin) must
        work as a path segment and must not look like another one. Names kept from
        before are not judged again: older look-alikes have no skeleton and keep working."""
        super().clean()
        if not self.username:  # refused by the field's own validation
            return
        skeleton = username_skeleton(self.username)
        if not self._state.adding and self.username_skeleton in (None, skeleton):
            return
        if username_breaks_urls(self.username):
            raise ValidationError({"username": _("A username cannot start or end with a dot.")})
        others = User.objects.filter(username_skeleton=skeleton).exclude(pk=self.pk)
        taken = others.values_list("username", flat=True).first()
        if taken is not None:
            message = _("This username looks too much like @%(username)s. Please choose another.")
            raise ValidationError({"username": message % {"username": taken}})

    def save(self, *args, **kwargs):
        """A new account, or a renamed one that had a skeleton, stores its skeleton (the
        unique index then refuses a look-alike that got past `clean` at the same time)."""
        if self._state.adding or self.username_skeleton is not None:
            self.username_skeleton = username_skeleton(self.username)
            fields = kwargs.get("update_fields")
            if fields is not None and "username" in fields:
                kwargs["update_fields"] = {*fields, "username_skeleton"}
        super().save(*args, **kwargs)

    @property
    def has_badge(self) -> bool:
        """Staff and official accounts carry a badge members cannot get."""
        return self.is_staff or self.is_official

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None

    @property
    def name(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("profile", kwargs={"username": self.username})
