"""The winner's page, /me/rewards/: what each award of a published campaign gives —
voucher codes, the shipping address for a parcel, the featured slots — and the address
form. Only the winner sees their awards; anyone else's award is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from campaigns.forms import AddressForm
from campaigns.models import Award, Prize
from campaigns.presentation import localized
from campaigns.selectors.rewards import award_of_user, rewards_for_user
from campaigns.services.awards import shipping_address_save
from square.views.common import form_errors

FEATURED = (Prize.Kind.FEATURED_HOME, Prize.Kind.FEATURED_POSTS, Prize.Kind.RECOMMENDATION)


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


def _prepare(award: Award, bound: tuple[int, AddressForm] | None) -> Award:
    """Attach what the template shows: names in the reader's language, each item's
    words, and the address form (the submitted one, with its errors, if any)."""
    award.campaign = award.tier.campaign
    award.campaign_title = localized(award.campaign, "title")
    award.tier_name = localized(award.tier, "name")
    award.is_revoked = award.status == Award.Status.REVOKED
    award.address_saved = getattr(award, "address", None)
    items = list(award.items.all())
    for item in items:
        item.label = localized(item.prize, "label")
        item.kind = item.prize.kind
        item.amount_text = _amount(item)
        item.is_featured = item.kind in FEATURED
    award.item_list = items
    physical = [i for i in items if i.kind == Prize.Kind.PHYSICAL]
    award.has_physical = bool(physical)
    award.shipped_at = max((i.shipped_at for i in physical if i.shipped_at), default=None)
    award.address_open = (
        award.has_physical
        and not award.is_revoked
        and award.status != Award.Status.DELIVERED
        and award.shipped_at is None
    )
    award.form = None
    if award.address_open:
        if bound is not None and bound[0] == award.pk:
            award.form = bound[1]
        else:
            award.form = _address_form(award)
    return award


def _page(request, bound=None, status=200):
    awards = [_prepare(a, bound) for a in rewards_for_user(user=request.user)]
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
                messages.error(request, " ".join(exc.messages))
                return _page(request, status=400)
            form_errors(form, exc, field=None)
        else:
            messages.success(request, _("Your shipping address is saved."))
            return redirect(reverse("my_rewards") + f"#award-{award.pk}")
    messages.error(request, _("The address was not saved: please correct the fields below."))
    return _page(request, bound=(award.pk, form), status=400)
