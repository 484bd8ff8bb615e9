"""The campaigns' own forms outside the campaign editor (`campaigns.admin.forms`): the
winner's shipping address and the drand beacon staff paste or upload to run a draw. The
services check every value again; a form only says what is wrong, field by field."""

from django import forms
from django.utils.translation import gettext_lazy

from campaigns.beacons import MAX_BEACON_BYTES


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


class BeaconForm(forms.Form):
    """The pinned round's beacon, as a drand relay serves it: pasted, or a file. Nothing
    here is trusted; the draw service checks the round and the signature."""

    beacon = forms.CharField(
        label=gettext_lazy("The round's beacon (JSON)"),
        required=False,
        max_length=MAX_BEACON_BYTES,
        help_text=gettext_lazy(
            "What a drand relay serves for the pinned round, e.g. "
            '{"round": 25358708, "randomness": "…", "signature": "…"}.'
        ),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 90, "spellcheck": "false"}),
    )
    beacon_file = forms.FileField(
        label=gettext_lazy("Or upload it"),
        required=False,
        help_text=gettext_lazy("The JSON file saved from the relay."),
    )

    def clean(self):
        data = super().clean()
        upload = data.get("beacon_file")
        if upload is not None:
            if upload.size > MAX_BEACON_BYTES:
                raise forms.ValidationError(gettext_lazy("That file is too large for a beacon."))
            data["beacon"] = upload.read().decode("utf-8", "replace")
        if not (data.get("beacon") or "").strip():
            raise forms.ValidationError(
                gettext_lazy("Paste the round's beacon, upload it, or fetch it from the relays.")
            )
        return data
