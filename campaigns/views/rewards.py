"""The winner's page, /me/rewards/: what each award of a published campaign gives —
voucher codes, the shipping address for a parcel, the featured slots — and the address
form. Only the winner sees their awards; anyone else's award is a 404."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from campaigns.forms import AddressForm
from campaigns.models import Award, Campaign, Prize, ShippingAddress
from campaigns.presentation import localized
from campaigns.selectors.rewards import (
    address_open,
    award_of_user,
    parcel_shipped_at,
    rewards_for_user,
)
from campaigns.services.awards import shipping_address_save
from square.models import Post
from square.project.refusals import refusal_text
from square.views.common import form_errors


@dataclass(frozen=True)
class ItemRow:
    """One prize of an award as the page shows it."""

    label: str
    kind: str
    code: str | None
    amount_text: str
    expires_at: datetime | None
    active_until: datetime | None


@dataclass(frozen=True)
class RewardRow:
    """One award as the page shows it: names in the reader's language, its prizes, and
    the address form while `address_open` (the submitted one, with its errors, if any)."""

    pk: int
    status: str
    campaign: Campaign
    campaign_title: str
    tier_name: str
    post: Post | None
    is_revoked: bool
    item_list: list[ItemRow]
    has_physical: bool
    shipped_at: datetime | None
    address_saved: ShippingAddress | None
    form: AddressForm | None


def _address_form(award: Award, data=None) -> AddressForm:
    """One form per award on the page: ids made unique, names kept plain."""
    initial = {}
    address = getattr(award, "address", None)
    if address is not None:
        initial = {f: getattr(address, f) for f in AddressForm.base_fields}
    return AddressForm(data=data, initial=initial, auto_id=f"id_award{award.pk}_%s")


def _amount(item) -> str:
    if item.amount is None:
        return ""
    amount = f"{item.amount.normalize():f}"
    return _("%(amount)s %(currency)s") % {"amount": amount, "currency": item.currency}


def _item_row(item) -> ItemRow:
    return ItemRow(
        label=localized(item.prize, "label"),
        kind=item.prize.kind,
        code=item.code,
        amount_text=_amount(item),
        expires_at=item.expires_at,
        active_until=item.active_until,
    )


def _row(award: Award, bound: tuple[int, AddressForm] | None) -> RewardRow:
    items = list(award.items.all())
    form = None
    if address_open(award=award, items=items):
        form = bound[1] if bound is not None and bound[0] == award.pk else _address_form(award)
    return RewardRow(
        pk=award.pk,
        status=award.status,
        campaign=award.tier.campaign,
        campaign_title=localized(award.tier.campaign, "title"),
        tier_name=localized(award.tier, "name"),
        post=award.post,
        is_revoked=award.status == Award.Status.REVOKED,
        item_list=[_item_row(item) for item in items],
        has_physical=any(i.prize.kind == Prize.Kind.PHYSICAL for i in items),
        shipped_at=parcel_shipped_at(items),
        address_saved=getattr(award, "address", None),
        form=form,
    )


def _page(request, bound=None, status=200):
    awards = [_row(a, bound) for a in rewards_for_user(user=request.user)]
    return render(request, "campaigns/my_rewards.html", {"awards": awards}, status=status)


@login_required
@require_GET
def my_rewards(request):
    return _page(request)


@login_required
@require_POST
def address_save(request, pk: int):
    """Save the winner's shipping address; errors come back on the page's form."""
    award = award_of_user(user=request.user, pk=pk)
    if award is None or not award.items.filter(prize__kind=Prize.Kind.PHYSICAL).exists():
        raise Http404
    form = _address_form(award, data=request.POST)
    if form.is_valid():
        try:
            shipping_address_save(award=award, user=request.user, **form.cleaned_data)
        except PermissionDenied as exc:  # not theirs: cannot happen past the lookup
            raise Http404 from exc
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # delivered or revoked: no form to correct
                messages.error(request, refusal_text(exc))
                return _page(request, status=400)
            form_errors(form, exc, field=None)
        else:
            messages.success(request, _("Your shipping address is saved."))
            return redirect(reverse("my_rewards") + f"#award-{award.pk}")
    messages.error(request, _("The address was not saved: please correct the fields below."))
    return _page(request, bound=(award.pk, form), status=400)
