"""Likes, reposts, comments and follows: thin views over the services.

Every action is a plain form POST that redirects back, so it works without JavaScript;
the page's script sends the same POST asking for JSON and updates the button in place.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from square import selectors
from square.forms import CommentForm, RepostForm
from square.models import Comment, Post, User
from square.project.middleware import wants_json
from square.project.not_found import found_or_404
from square.project.ratelimit import rate_limited
from square.project.refusals import refusal_text
from square.services.accounts import write_refusal
from square.services.comments import comment_create, comment_delete
from square.services.interactions import follow_create, follow_delete, like_create, like_delete
from square.services.posts import repost_create
from square.views.common import form_errors


def _back(request, fallback: str):
    """Redirect to the page the form was on (only if it is on this site)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _refuse(request, message: str, fallback: str, status: int = 400):
    if wants_json(request):
        return JsonResponse({"error": message}, status=status)
    messages.error(request, message)
    return _back(request, fallback)


def _toggle(request, *, do, undo, state, fallback: str):
    """The like and follow buttons: `undo=1` undoes, anything else does. The script gets
    the new `state()` as JSON, a plain form post is sent back where it came from."""
    try:
        if request.POST.get("undo") == "1":
            undo()
        else:
            do()
    except (ValidationError, PermissionDenied) as exc:
        return _refuse(request, refusal_text(exc), fallback)
    if wants_json(request):
        return JsonResponse(state())
    return _back(request, fallback)


@login_required
@require_POST
@rate_limited("like")
def like(request, pk: int):
    post, user = get_object_or_404(Post, pk=pk), request.user

    def state() -> dict:
        post.refresh_from_db(fields=["like_count"])
        return {"liked": post.likes.filter(user=user).exists(), "count": post.like_count}

    return _toggle(
        request,
        do=lambda: like_create(user=user, post=post),
        undo=lambda: like_delete(user=user, post=post),
        state=state,
        fallback=post.get_absolute_url(),
    )


@login_required
@require_POST
@rate_limited("follow")
def follow(request, username: str):
    member, user = get_object_or_404(User, username=username), request.user

    def state() -> dict:
        member.refresh_from_db(fields=["follower_count"])
        following = member.follower_links.filter(follower=user).exists()
        return {"following": following, "count": member.follower_count}

    return _toggle(
        request,
        do=lambda: follow_create(follower=user, followee=member),
        undo=lambda: follow_delete(follower=user, followee=member),
        state=state,
        fallback=member.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("post")
def repost(request, pk: int):
    post = found_or_404(selectors.post_visible_to(pk=pk, viewer=request.user))
    refusal = write_refusal(request.user)
    if refusal:  # banned: say why on the post instead of a form that cannot save
        messages.error(request, refusal)
        return redirect(post)
    form = RepostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made, created = repost_create(
                author=request.user, post=post, quote=form.cleaned_data["quote"]
            )
        except (ValidationError, PermissionDenied) as exc:
            form_errors(form, exc, "quote")
        else:
            if created:
                messages.success(request, _("Reposted."))
            else:
                messages.info(request, _("You have already reposted this post."))
            return redirect(made if made.body else post.repost_of or post)
    original = post.repost_of or post
    return render(request, "square/repost.html", {"form": form, "original": original})


@login_required
@require_POST
@rate_limited("comment")
def comment(request, pk: int):
    post = get_object_or_404(Post, pk=pk)
    form = CommentForm(request.POST)
    fallback = post.get_absolute_url() + "#comments"
    if not form.is_valid():
        return _refuse(request, " ".join(m for e in form.errors.values() for m in e), fallback)
    parent = None
    if form.cleaned_data["parent"]:
        parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
        if parent is None:
            return _refuse(request, _("That comment no longer exists."), fallback)
    try:
        made = comment_create(
            author=request.user, post=post, body=form.cleaned_data["body"], parent=parent
        )
    except (ValidationError, PermissionDenied) as exc:
        return _refuse(request, refusal_text(exc), fallback)
    messages.success(request, _("Comment posted."))
    page_size = settings.SQUARE_COMMENTS_PAGE_SIZE
    return redirect(selectors.comment_location(comment=made, page_size=page_size))


@login_required
@require_POST
def comment_remove(request, pk: int):
    target = get_object_or_404(Comment, pk=pk, author=request.user)
    comment_delete(comment=target, actor=request.user)
    messages.success(request, _("Your comment was deleted."))
    return redirect(target.get_absolute_url())
