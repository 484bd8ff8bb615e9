"""The campaign admin's forms: tags as staff type them, rules frozen once started."""

import hashlib
import json
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Campaign, Prize, RewardTier
from square import text

PHASE_LABELS = {
    "draft": gettext_lazy("draft"),
    "scheduled": gettext_lazy("scheduled, not started"),
    "live": gettext_lazy("live"),
    "ended": gettext_lazy("ended, not closed"),
    "closed": gettext_lazy("closed"),
    "drawn": gettext_lazy("drawn"),
    "published": gettext_lazy("published"),
}
# Phases in which the rules may still change: nobody can have entered yet.
EDITABLE_PHASES = {"draft", "scheduled"}
# What decides whether an entry counts; frozen once the campaign has started.
ENTRY_RULE_FIELDS = ("min_chars", "min_distinct_chars", "exclude_staff")
RULE_FIELDS = ("starts_at", "ends_at", "hashtag", "aliases", *ENTRY_RULE_FIELDS)
TAG_SEPARATORS = re.compile(r"[\s,，、;；]+")


HAND_SET_STATUSES = (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED)
# What pins the draw's beacon round; read-only once the campaign has started.
BEACON_FIELDS = ("beacon_chain", "entropy_delay")


def change_attempted(posted, form, campaign: Campaign) -> bool:
    """Whether a POST for a started campaign carried a chain or delay other than the
    stored ones (the form ignores them as read-only fields)."""
    if not campaign.has_started():
        return False
    for name in BEACON_FIELDS:
        if name not in posted or name in form.fields:
            continue
        field = Campaign._meta.get_field(name).formfield()
        try:
            value = field.clean(posted[name])
        except ValidationError:
            return True  # not even a valid value: an attempt all the same
        if value != getattr(campaign, name):
            return True
    return False


def commitment(seed: str) -> str:
    """The published commitment to the draw's seed: SHA-256 of its bytes, in hex."""
    return hashlib.sha256(bytes.fromhex(seed)).hexdigest()


def phase_label(campaign: Campaign, now=None) -> str:
    phase = campaign.phase(now)
    return str(PHASE_LABELS.get(phase, phase))


def clean_tag(value: str) -> str:
    """A tag as staff may type it (`#标签`, `＃标签`, `#tag#`, full-width letters) as the
    campaign stores it: NFKC, without `#`. Refused unless posts can carry it whole."""
    tag = text.nfkc(value).strip().strip("#").strip()
    if not text.is_valid_tag(tag):
        raise ValidationError(
            _(
                "“%(tag)s” is not a hashtag people can post: use letters, digits or _ "
                "only (no spaces or punctuation), not only digits, at most %(max)d long."
            ),
            code="invalid_tag",
            params={"tag": value, "max": text.MAX_TAG_LENGTH},
        )
    return tag


class TagListField(forms.CharField):
    """Other accepted tags, one per line (commas or spaces also separate them), with or
    without `#`; a JSON list of strings is accepted too. Cleans to a list of tags, each
    given once (by its normalised key)."""

    widget = forms.Textarea(attrs={"rows": 3, "cols": 40})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value

    def to_python(self, value):
        raw = super().to_python(value)
        if isinstance(raw, list):
            items = raw
        elif raw.startswith("["):
            try:
                items = json.loads(raw)
            except ValueError:
                items = None
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise ValidationError(
                    _("Write one tag per line, or a JSON list of strings."), code="invalid"
                )
        else:
            items = TAG_SEPARATORS.split(raw)
        tags, errors = {}, []
        for item in items:
            if not item.strip():
                continue
            try:
                tag = clean_tag(item)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            tags.setdefault(text.tag_key(tag), tag)
        if errors:
            raise ValidationError(errors)
        return list(tags.values())

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != list(initial or [])
        except ValidationError:
            return True


def _to_the_second(widget) -> None:
    """The admin's time box shows seconds: the Chinese format ("23:59") dropped them,
    so saving a started campaign read its 23:59:59 end as a change and was refused."""
    for part in getattr(widget, "widgets", ()):
        if isinstance(part, forms.TimeInput):
            part.format = "%H:%M:%S"


def _kept(form, name: str):
    """The posted value, or the campaign's own (the model's default for a new one)."""
    value = form.cleaned_data.get(name)
    if value in (None, ""):
        return getattr(form.instance, name)
    return value


class CampaignForm(forms.ModelForm):
    aliases = TagListField(
        label=gettext_lazy("other accepted tags"),
        required=False,
        help_text=gettext_lazy(
            "One per line (commas or spaces also separate them), with or without #. "
            "Posts with any of these count like the main hashtag."
        ),
    )

    class Meta:
        model = Campaign
        fields = (
            "title",
            "title_en",
            "slug",
            "status",
            "description",
            "description_en",
            "starts_at",
            "ends_at",
            "hashtag",
            "aliases",
            "min_chars",
            "min_distinct_chars",
            "exclude_staff",
            "posts_cap",
            "w_posts",
            "w_like",
            "w_comment",
            "w_repost",
            "interactor_cap",
            "beacon_chain",
            "entropy_delay",
            "min_interactor_age_hours",
        )

    def clean_beacon_chain(self):
        return _kept(self, "beacon_chain")

    def clean_entropy_delay(self):
        return _kept(self, "entropy_delay")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in BEACON_FIELDS:  # a form that leaves them out keeps what is stored
            if name in self.fields:
                self.fields[name].required = False
        zone = _("Beijing time (UTC+8).")
        for name in ("starts_at", "ends_at"):
            if name in self.fields:
                help_text = self.fields[name].help_text
                self.fields[name].help_text = f"{help_text} {zone}" if help_text else zone
                _to_the_second(self.fields[name].widget)
        if "hashtag" in self.fields:
            self.fields["hashtag"].help_text = _("With or without #.")
        if "status" in self.fields:
            # Staff choose only draft or scheduled; closed, drawn and published are
            # reached through the close / draw / publish operations, never typed.
            status = self.fields["status"]
            status.choices = [c for c in status.choices if c[0] in HAND_SET_STATUSES]

    def clean_hashtag(self):
        return clean_tag(self.cleaned_data["hashtag"])

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The campaign must end after it starts."))
        if cleaned.get("hashtag") and "aliases" in cleaned:
            main = text.tag_key(cleaned["hashtag"])
            cleaned["aliases"] = [a for a in cleaned["aliases"] if text.tag_key(a) != main]
        self._refuse_rule_changes(cleaned)
        return cleaned

    def _refuse_rule_changes(self, cleaned) -> None:
        """Once a campaign has started, people have entered under its window, tags and
        entry rules: changing them would change who wins, so the form refuses."""
        original = self.instance  # still as stored: the form's values are applied later
        if original.pk is None or original.phase() in EDITABLE_PHASES:
            return
        changed = []
        for name in ("starts_at", "ends_at"):
            new, old = cleaned.get(name), getattr(original, name)
            if new is None:
                continue
            if new.replace(microsecond=0) == old.replace(microsecond=0):
                cleaned[name] = old  # the form shows whole seconds: keep what is stored
            else:
                changed.append(name)
        if cleaned.get("hashtag") and text.tag_key(cleaned["hashtag"]) != text.tag_key(
            original.hashtag.lstrip("#＃")
        ):
            changed.append("hashtag")
        if "aliases" in cleaned:
            new_keys = {text.tag_key(a) for a in cleaned["aliases"]}
            old_keys = {text.tag_key(a.lstrip("#＃")) for a in original.aliases or []}
            old_keys.discard(text.tag_key(original.hashtag.lstrip("#＃")))
            if new_keys != old_keys:
                changed.append("aliases")
        changed += [
            name
            for name in ENTRY_RULE_FIELDS
            if name in cleaned and cleaned[name] != getattr(original, name)
        ]
        message = _(
            "This campaign has started (%(phase)s): its window, tags and entry rules can "
            "no longer change, as people have entered under them."
        ) % {"phase": phase_label(original)}
        for name in changed:
            self.add_error(name, message)


def narrow(size: int) -> forms.TextInput:
    """A short text box for tabular inlines (the admin's default is 20em wide)."""
    return forms.TextInput(attrs={"size": size})


class TierForm(forms.ModelForm):
    class Meta:
        model = RewardTier
        fields = ("order", "slug", "name", "kind", "winners")
        widgets = {"slug": narrow(12), "name": narrow(22)}


class PrizeForm(forms.ModelForm):
    class Meta:
        model = Prize
        fields = (
            "slug",
            "kind",
            "label",
            "label_en",
            "amount",
            "currency",
            "quantity",
            "duration_days",
        )
        widgets = {
            "slug": narrow(10),
            "label": narrow(22),
            "label_en": narrow(22),
            "currency": narrow(6),
        }

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Prize.Kind.VOUCHER:
            amount = cleaned.get("amount")
            if amount is None or amount <= 0:
                self.add_error("amount", _("A voucher needs an amount above zero."))
            if not cleaned.get("currency"):
                self.add_error("currency", _("A voucher needs a currency, such as USDT."))
        return cleaned
