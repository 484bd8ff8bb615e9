"""Forms of the integrity features: reporting a post and appealing a decision on one's
own post. Like `square.forms`, they only parse and show errors: `report_create` and
`appeal_create` decide what is valid (the original's link, once per person and post)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from square.models import Report

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
