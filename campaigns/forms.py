"""The campaigns' own forms outside the campaign editor (`campaigns.admin.forms`): the
winner's shipping address and the public entropy staff type to run a draw. The
services check every value again; a form only says what is wrong, field by field."""

from django import forms
from django.utils.translation import gettext_lazy


class AddressForm(forms.Form):
    """Where the parcel goes; `shipping_address_save` checks it again and stores it."""

    name = forms.CharField(label=gettext_lazy("Recipient"), max_length=100)
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    postcode = forms.CharField(
        label=gettext_lazy("Postcode"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    country = forms.CharField(
        label=gettext_lazy("Country or region"),
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "country-name"}),
    )


class EntropyForm(forms.Form):
    """The public entropy value the draw mixes in, as its source published it."""

    entropy = forms.CharField(
        label=gettext_lazy("Public entropy value"),
        max_length=200,
        help_text=gettext_lazy("Exactly as published by the entropy source (e.g. the block hash)."),
        widget=forms.TextInput(attrs={"size": 70, "autocomplete": "off", "spellcheck": "false"}),
    )
