"""Reporting a post and the author's one appeal (what the post page itself shows of
integrity is `square.views.posts._integrity_context`).

Thin views over `square.services.moderation`: the services decide (once per person
and post, the original's link, who may appeal) and phrase every refusal; these views
show the refusal where the person is — on the form, or as a message on the post.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from square import selectors
from square.forms import AppealForm, ReportForm
from square.models import Post, Report
from square.project.not_found import found_or_404
from square.project.ratelimit import rate_limited
from square.project.refusals import refusal_text
from square.selectors.integrity import author_integrity
from square.services.accounts import write_refusal
from square.services.moderation import ALREADY_APPEALED, appeal_create, report_create
from square.views.common import form_errors

# --- reports ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("report")
def report(request, pk: int):
    """Report a post once: what is wrong, the original's link for plagiarism, a note."""
    post = found_or_404(selectors.post_visible_to(pk=pk, viewer=request.user))
    if post.is_plain_repost:  # a plain repost has no text of its own: report the original
        return redirect("post_report", pk=post.repost_of_id)
    if refusal := write_refusal(request.user):  # banned: their appeal is their channel
        messages.error(request, refusal)
        return redirect(post)
    if post.author_id == request.user.pk:
        messages.error(request, _("You cannot report your own post."))
        return redirect(post)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                report_create(
                    reporter=request.user,
                    post=post,
                    reason=form.cleaned_data["reason"],
                    original_link=form.cleaned_data["original"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):  # already reported: nothing to fix here
                    messages.error(request, refusal_text(exc))
                    return redirect(post)
                form_errors(form, exc, "original")
            else:
                messages.success(request, _("Thank you: staff will look at your report."))
                return redirect(post)
    else:
        if Report.objects.filter(post=post, reporter=request.user).exists():
            messages.info(request, _("You have already reported this post."))
            return redirect(post)
        form = ReportForm()
    return render(request, "square/report.html", {"form": form, "post": post})


# --- appeals ------------------------------------------------------------------------------


def _integrity_url(post: Post) -> str:
    return f"{post.get_absolute_url()}#integrity"


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request, pk: int):
    """The author's one appeal. The post page shows the form; this page shows it again
    with its errors (and works on its own without the post page)."""
    post = found_or_404(selectors.post_visible_to(pk=pk, viewer=request.user))
    if post.author_id != request.user.pk:
        messages.error(request, _("Only the author can appeal."))
        return redirect(post)
    if request.method == "POST":
        form = AppealForm(request.POST)
        if form.is_valid():
            try:
                appeal_create(author=request.user, post=post, text=form.cleaned_data["text"])
            except (ValidationError, PermissionDenied) as exc:
                if not hasattr(exc, "error_dict"):  # appealed already, or nothing to appeal
                    messages.error(request, refusal_text(exc))
                    return redirect(_integrity_url(post))
                form_errors(form, exc, "text")
            else:
                messages.success(request, _("Your appeal was sent. Staff will review it."))
                return redirect(_integrity_url(post))
    else:
        state = author_integrity(post)
        if state.appeal_status is not None:
            messages.info(request, ALREADY_APPEALED)
            return redirect(_integrity_url(post))
        if not state.can_appeal:
            messages.info(request, _("There is nothing to appeal on this post."))
            return redirect(post)
        form = AppealForm()
    return render(request, "square/appeal.html", {"form": form, "post": post})
