"""Closing, drawing, publishing and exporting a campaign from the admin.

Each operation has its own confirmation page (`<id>/close/`, `<id>/draw/`,
`<id>/publish/`, `<id>/export/`) that says what is already done and what pressing the
button will do, then calls the same service as the command line. The list's actions
lead to these pages. Staff without the operation's permission see neither the action
nor the button, and the page answers 403 to them, even to a hand-made POST. The
services check the permissions again and write the audit log.
"""

from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.admin.forms import phase_label
from campaigns.beacons import beacon_fetch
from campaigns.exports import can_see_addresses, export_response
from campaigns.forms import BeaconForm
from campaigns.models import Award, Campaign, Entry, Snapshot
from campaigns.services import campaign_close, draw_run, results_publish
from square.project.beijing_time import SECONDS, beijing_text
from square.project.refusals import refusal_text


@dataclass(frozen=True)
class Operation:
    name: str
    permission: str  # the full permission name
    title: str
    button: str


OPERATIONS = {
    "close": Operation(
        "close",
        "campaigns.close_campaign",
        gettext_lazy("Close %(campaign)s"),
        gettext_lazy("Close the campaign and freeze its lists"),
    ),
    "draw": Operation(
        "draw",
        "campaigns.run_draw",
        gettext_lazy("Run the draws of %(campaign)s"),
        gettext_lazy("Run every tier's draw"),
    ),
    "publish": Operation(
        "publish",
        "campaigns.publish_results",
        gettext_lazy("Publish the results of %(campaign)s"),
        gettext_lazy("Publish the results and tell the winners"),
    ),
    "export": Operation(
        "export",
        "campaigns.view_award",
        gettext_lazy("Export the awards of %(campaign)s"),
        gettext_lazy("Download the CSV"),
    ),
}


def tier_summaries(campaign: Campaign) -> list[dict]:
    """Each tier with its awards so far: winners (not revoked) and revoked ones."""
    active = Count("awards", filter=~Q(awards__status=Award.Status.REVOKED))
    revoked = Count("awards", filter=Q(awards__status=Award.Status.REVOKED))
    tiers = campaign.tiers.annotate(n_active=active, n_revoked=revoked).order_by("order", "id")
    return [
        {
            "tier": tier,
            "active": tier.n_active,
            "revoked": tier.n_revoked,
            "wanted": tier.winners,
        }
        for tier in tiers
    ]


class CampaignOperationsMixin:
    """Mixed into CampaignAdmin: the four operations as list actions, buttons on the
    change page (see change_form.html) and confirmation pages."""

    operation_actions = ["close_campaign", "run_draws", "publish_results", "export_awards"]

    # --- who may ---

    def has_close_permission(self, request, obj=None):
        return request.user.has_perm(OPERATIONS["close"].permission)

    def has_draw_permission(self, request, obj=None):
        return request.user.has_perm(OPERATIONS["draw"].permission)

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm(OPERATIONS["publish"].permission)

    def has_export_permission(self, request, obj=None):
        return request.user.has_perm(OPERATIONS["export"].permission)

    def operation_permissions(self, request) -> dict[str, bool]:
        return {
            name: request.user.has_perm(op.permission) and self.has_view_permission(request)
            for name, op in OPERATIONS.items()
        }

    # --- the list's actions: each leads to the campaign's confirmation page ---

    def _to_operation(self, request, queryset, name):
        chosen = list(queryset[:2])
        if len(chosen) != 1:
            self.message_user(
                request,
                _("Choose one campaign: each operation has its own confirmation page."),
                messages.WARNING,
            )
            return None
        url = reverse(f"admin:campaigns_campaign_{name}", args=[chosen[0].pk])
        return HttpResponseRedirect(url)

    @admin.action(description=gettext_lazy("Close the selected campaign…"), permissions=["close"])
    def close_campaign(self, request, queryset):
        return self._to_operation(request, queryset, "close")

    @admin.action(description=gettext_lazy("Run the draws…"), permissions=["draw"])
    def run_draws(self, request, queryset):
        return self._to_operation(request, queryset, "draw")

    @admin.action(description=gettext_lazy("Publish the results…"), permissions=["publish"])
    def publish_results(self, request, queryset):
        return self._to_operation(request, queryset, "publish")

    @admin.action(description=gettext_lazy("Export the awards as CSV…"), permissions=["export"])
    def export_awards(self, request, queryset):
        return self._to_operation(request, queryset, "export")

    # --- the confirmation pages ---

    def get_urls(self):
        urls = []
        for name in OPERATIONS:
            view = self.admin_site.admin_view(self._operation_view(name))
            urls.append(path(f"<path:object_id>/{name}/", view, name=f"campaigns_campaign_{name}"))
        return [*urls, *super().get_urls()]

    def _operation_view(self, name):
        def view(request, object_id):
            return self.operation_view(request, object_id, name)

        view.__name__ = f"{name}_view"
        return view

    def operation_view(self, request, object_id, name):
        operation = OPERATIONS[name]
        if not self.operation_permissions(request)[name]:
            raise PermissionDenied
        campaign = self.get_object(request, unquote(object_id))
        if campaign is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form = None
        if name == "draw":
            form = BeaconForm(request.POST or None, request.FILES or None)
            if request.method == "POST" and "fetch" in request.POST:
                return self._fetched(request, campaign, operation)
        if request.method == "POST":
            response = self._perform(request, campaign, name, form)
            if response is not None:
                return response
            campaign.refresh_from_db()
        return self._render(request, campaign, operation, form)

    def _perform(self, request, campaign, name, form):
        """Run the operation; a redirect on success, None to show the page again (with
        the error as a message)."""
        change_url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
        try:
            if name == "close":
                message = self._close(request, campaign)
            elif name == "draw":
                if not form.is_valid():
                    return None
                message = self._draw(request, campaign, form.cleaned_data["beacon"])
            elif name == "publish":
                message = self._publish(request, campaign)
            else:
                return export_response(campaign, request.user)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return None
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(change_url)

    def _close(self, request, campaign):
        if campaign.status != Campaign.Status.SCHEDULED and campaign.closed_at:
            campaign_close(campaign=campaign, actor=request.user)  # checks, changes nothing
            return _("Already closed at %(when)s: nothing changed.") % {
                "when": beijing_text(campaign.closed_at, SECONDS)
            }
        campaign = campaign_close(campaign=campaign, actor=request.user)
        lucky = campaign.snapshots.get(kind=Snapshot.Kind.LUCKY_TICKETS)
        return _(
            "Closed at %(when)s. Lists frozen: %(posts)d valid posts (digest %(digest)s…) "
            "and three more. The draw takes drand round %(round)s, published at %(after)s."
        ) % {
            "when": beijing_text(campaign.closed_at, SECONDS),
            "posts": lucky.size,
            "digest": lucky.digest[:12],
            "round": campaign.beacon_round,
            "after": beijing_text(campaign.beacon_at, SECONDS),
        }

    def _fetched(self, request, campaign, operation):
        """Ask the relays for the pinned round and show what came back in the form, for
        staff to confirm with the draw button (nothing is drawn here)."""
        try:
            text, url = beacon_fetch(chain=campaign.chain, round_number=campaign.beacon_round)
        except ValidationError as error:
            self.message_user(request, refusal_text(error), messages.ERROR)
            return self._render(request, campaign, operation, BeaconForm())
        self.message_user(
            request,
            _("Fetched from %(url)s. Check it below, then run the draws.") % {"url": url},
            messages.INFO,
        )
        return self._render(request, campaign, operation, BeaconForm(initial={"beacon": text}))

    def _draw(self, request, campaign, beacon):
        was_drawn = campaign.status in (Campaign.Status.DRAWN, Campaign.Status.PUBLISHED)
        campaign = draw_run(campaign=campaign, beacon=beacon, actor=request.user)
        if was_drawn:
            return _("Already drawn at %(when)s: no winner changed.") % {
                "when": beijing_text(campaign.drawn_at, SECONDS)
            }
        awards = Award.objects.filter(tier__campaign=campaign).count()
        return _(
            "Drawn at %(when)s with drand round %(round)s (signature verified, randomness "
            "%(entropy)s): %(awards)d awards."
        ) % {
            "when": beijing_text(campaign.drawn_at, SECONDS),
            "round": campaign.beacon_round,
            "entropy": campaign.entropy,
            "awards": awards,
        }

    def _publish(self, request, campaign):
        was_published = campaign.status == Campaign.Status.PUBLISHED
        base_url = request.build_absolute_uri("/").rstrip("/")
        campaign = results_publish(campaign=campaign, actor=request.user, base_url=base_url)
        if was_published:
            return _("Already published at %(when)s: nothing changed.") % {
                "when": beijing_text(campaign.published_at, SECONDS)
            }
        return _("Published at %(when)s; every winner has been told.") % {
            "when": beijing_text(campaign.published_at, SECONDS)
        }

    def _render(self, request, campaign, operation, form):
        now = timezone.now()
        status = campaign.status
        S = Campaign.Status
        done = {
            "close": status in (S.CLOSED, S.DRAWN, S.PUBLISHED),
            "draw": status in (S.DRAWN, S.PUBLISHED),
            "publish": status == S.PUBLISHED,
            "export": False,
        }[operation.name]
        blocker = self._blocker(campaign, operation.name, now)
        query = f"?tier__campaign__id__exact={campaign.pk}"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": campaign,
            "title": operation.title % {"campaign": campaign.title},
            "operation": operation,
            "op": operation.name,
            "form": form,
            "done": done,
            "blocker": blocker,
            "now": now,
            "phase_label": phase_label(campaign, now),
            "valid_entries": Entry.objects.filter(campaign=campaign, valid=True).count(),
            "snapshots": list(campaign.snapshots.order_by("kind")),
            "tiers": tier_summaries(campaign),
            "beacon_ready": now >= campaign.beacon_at,
            "with_addresses": can_see_addresses(request.user),
            "awards_url": reverse("admin:campaigns_award_changelist") + query,
            "audit_url": reverse("admin:campaigns_auditevent_changelist")
            + f"?campaign__id__exact={campaign.pk}",
            "allowed": self.operation_permissions(request),
        }
        return TemplateResponse(request, "admin/campaigns/campaign/operation.html", context)

    def _blocker(self, campaign, name, now) -> str:
        """Why the service would refuse now, said before anyone presses the button."""
        S = Campaign.Status
        if name == "close":
            if campaign.status == S.DRAFT:
                return _("A draft campaign cannot be closed.")
            if campaign.status == S.SCHEDULED and now <= campaign.ends_at_inclusive:
                return _("The campaign has not ended yet: it ends at %(when)s.") % {
                    "when": beijing_text(campaign.ends_at_inclusive, SECONDS)
                }
        elif name == "draw":
            if campaign.status in (S.DRAFT, S.SCHEDULED):
                return _("Close the campaign before drawing.")
            if campaign.status == S.CLOSED and now < campaign.beacon_at:
                return _(
                    "Round %(round)s is published at %(when)s: its beacon does not exist "
                    "before, so the draw cannot run until then."
                ) % {
                    "round": campaign.beacon_round,
                    "when": beijing_text(campaign.beacon_at, SECONDS),
                }
        elif name == "publish" and campaign.status not in (S.DRAWN, S.PUBLISHED):
            return _("Run the draws before publishing.")
        return ""
