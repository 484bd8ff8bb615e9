"""Forms only parse and show errors; the services decide what is valid and write."""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from square import login_throttle
from square.images import ImageRejected, process_avatar
from square.models import Report, User
from square.models.comment import COMMENT_MAX
from square.models.post import BODY_MAX
from square.services import identity


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files in one field; each is checked by `square.images` in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("What's on your mind?"),
        max_length=BODY_MAX,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": _("Share something… add #topics and @mention friends")}
        ),
    )
    images = MultipleImageField(label=_("Images"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["images"].help_text = _(
            "Up to %(n)d images: JPEG, PNG, WebP or GIF, %(mb)d MB each."
        ) % {"n": settings.SQUARE_IMAGES_PER_POST, "mb": settings.SQUARE_IMAGE_MAX_BYTES // 2**20}


class PostEditForm(forms.Form):
    body = forms.CharField(
        label=_("Text"), max_length=BODY_MAX, strip=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class SignupForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("username",)


class ThrottledLoginMixin:
    """At most `login_throttle.MAX_FAILURES` failed logins per account and per address
    in `login_throttle.WINDOW_SECONDS`: past that, the form refuses with the minutes
    left, whatever the password. The attempt is counted before the password is checked
    and taken back when it is right (see `square.login_throttle`)."""

    throttled = False

    def clean(self):
        username = self.cleaned_data.get("username")
        if username is None or not self.cleaned_data.get("password"):
            return super().clean()  # a field is missing: nothing was tried
        ip = login_throttle.client_ip(self.request) if self.request else "unknown"
        wait = login_throttle.attempt_begin(username=username, ip=ip)
        if wait:
            self.throttled = True
            raise ValidationError(login_throttle.locked_message(wait), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            wait = login_throttle.seconds_locked(username=username, ip=ip)
            if wait:  # that was the last try of the window: say so now
                self.throttled = True
                locked = ValidationError(login_throttle.locked_message(wait), code="throttled")
                raise ValidationError([exc, locked]) from None
            raise
        login_throttle.attempt_succeeded(username=username, ip=ip)
        return cleaned


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's login page counts failures with the site's (one limit for both)."""


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=50, required=False)
    bio = forms.CharField(
        label=_("Bio"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    avatar = forms.FileField(
        label=_("Avatar"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        help_text=_("JPEG, PNG, WebP or GIF; it will be cropped to a square."),
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Write a comment…")}),
    )
    parent = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class RepostForm(forms.Form):
    quote = forms.CharField(
        label=_("Add your thoughts (optional)"),
        max_length=BODY_MAX,
        required=False,
        strip=False,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": _("Leave empty to repost as it is")}
        ),
    )


BADGE_FLAGS = ("is_staff", "is_official")


class UserAdminChangeForm(UserChangeForm):
    """The admin's user form: a display name set by staff follows the members' rules
    (`identity.display_name_check`), unless the account has or is given a badge; a new
    avatar is checked and re-encoded like a member's own (`process_avatar`), since the
    model field alone would store the uploaded bytes, metadata and all, and decode it
    at any size."""

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if "avatar" not in self.files:  # kept or cleared, not a new upload
            return avatar
        try:
            return process_avatar(self.files["avatar"])
        except ImageRejected as exc:
            raise ValidationError(str(exc)) from None

    def clean(self):
        cleaned = super().clean()
        name = cleaned.get("display_name")
        if name is None or name.strip() == self.instance.display_name:
            return cleaned
        badge = any(cleaned.get(flag, getattr(self.instance, flag)) for flag in BADGE_FLAGS)
        try:
            identity.display_name_check(user=self.instance, display_name=name, badge=badge)
        except ValidationError as exc:
            self.add_error("display_name", exc.message_dict["display_name"])
        return cleaned


# The integrity features: reporting a post and appealing a decision on one's own post.
# `report_create` and `appeal_create` decide what is valid (the original's link, once per
# person and post).
NOTE_MAX = 500  # Report.note and Appeal.text
LINK_MAX = 300


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what is wrong with the post.")},
    )
    # Named like the service's error key, so its message lands on this field.
    original = forms.CharField(
        label=_("Link to the original post"),
        max_length=LINK_MAX,
        required=False,
        help_text=_(
            "For plagiarism: paste the link of the earlier post on Square it was copied "
            "from (…/posts/123/), or its number."
        ),
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
    note = forms.CharField(
        label=_("Anything staff should know (optional)"),
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX}),
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Why is this wrong?"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(
            attrs={
                "rows": 3,
                "maxlength": NOTE_MAX,
                "placeholder": _("For example: I wrote this myself; the other post copied mine."),
            }
        ),
        help_text=_("At most 500 characters. You can appeal once; staff will answer."),
        error_messages={"required": _("Explain in 1 to 500 characters why this is wrong.")},
    )
