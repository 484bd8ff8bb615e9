"""Composing, reading, editing and deleting posts."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from square import selectors
from square.forms import AppealForm, CommentForm, PostEditForm, PostForm
from square.models import Comment, Post
from square.pagination import keyset_page
from square.project import hooks
from square.project.not_found import found_or_404
from square.project.page_cache import visitor_page
from square.project.ratelimit import rate_limited
from square.project.refusals import refusal_text
from square.selectors.integrity import author_integrity
from square.services.accounts import write_refusal
from square.services.posts import post_create, post_delete, post_edit
from square.views.common import form_errors, next_url


def _integrity_context(request, post: Post, target: Post) -> dict:
    """What the post page adds for integrity: the report link for others, the author's
    findings and appeal form (one query, only for the author of a post with findings —
    `post_visible_to` says whether there are any), and the notice a banned
    account sees instead of the comment form."""
    user = request.user
    signed_in = user.is_authenticated
    integrity = None
    something_to_tell = getattr(post, "has_findings", True) or post.status == Post.Status.HIDDEN
    if signed_in and user.pk == post.author_id and not post.is_plain_repost and something_to_tell:
        integrity = author_integrity(post)
        if integrity.can_appeal:
            integrity.form = AppealForm()
    return {
        "write_refusal": write_refusal(user),
        "can_report": signed_in and user.pk != target.author_id and target.is_published,
        "integrity": integrity,
    }


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("post")
def compose(request):
    """The compose page; a banned account sees why it cannot post instead of the form."""
    refusal = write_refusal(request.user)
    if request.method == "POST":
        form = PostForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                post = post_create(
                    author=request.user,
                    body=form.cleaned_data["body"],
                    images=form.cleaned_data["images"],
                )
            except ValidationError as exc:
                form_errors(form, exc)
            except PermissionDenied as exc:
                refusal = refusal_text(exc)
            else:
                messages.success(request, _("Posted."))
                return redirect(post)
    else:
        tag = request.GET.get("tag", "").strip().lstrip("#＃")[:64]
        initial = f"#{tag} " if tag else ""
        form = PostForm(initial={"body": initial})
    extra = {} if refusal else hooks.compose_context(request=request)
    context = {"form": form, "compose_extra": extra, "write_refusal": refusal}
    return render(request, "square/compose.html", context)


def _oldest_first(request, qs):
    """One page of comments or replies, in the order they were written."""
    size = settings.SQUARE_COMMENTS_PAGE_SIZE
    return keyset_page(qs, request.GET.get("cursor"), size, oldest_first=True)


@require_GET
@visitor_page
def detail(request, pk: int):
    """A post with its comments (oldest first, 50 a page, each with its first replies)
    and the people who reposted it."""
    post = found_or_404(selectors.post_visible_to(pk=pk, viewer=request.user))
    target = post.repost_of if post.is_plain_repost else post  # what people comment on
    comments = _oldest_first(request, selectors.post_comments(post=target))
    context = {
        "post": post,
        "target": target,
        "comments": comments,
        "comment_form": CommentForm(),
        "reposts": selectors.post_reposts(post=target),
        "liked_ids": selectors.liked_post_ids(viewer=request.user, posts=[post]),
        "badges": hooks.card_badges(posts=[post], viewer=request.user),
        "next_url": next_url(request, comments.next_cursor) if comments.has_next else "",
        **_integrity_context(request, post, target),
    }
    return render(request, "square/post_detail.html", context)


@require_GET
def thread(request, pk: int):
    """Every reply to one comment (the post page shows only the first few)."""
    top = get_object_or_404(Comment.objects.select_related("author", "post"), pk=pk)
    post = found_or_404(selectors.post_visible_to(pk=top.post_id, viewer=request.user))
    replies = _oldest_first(request, selectors.comment_thread(comment=top))
    context = {
        "post": post,
        "top": top,
        "replies": replies,
        "comment_form": CommentForm(),
        "next_url": next_url(request, replies.next_cursor) if replies.has_next else "",
    }
    return render(request, "square/comment_thread.html", context)


@require_GET
def history(request, pk: int):
    """A post's earlier texts, newest first, a page at a time. Page numbers, not a
    cursor: a post keeps few revisions (`services.revisions`), and readers go both ways.
    A page number that is not one shows the first or the last page."""
    post = found_or_404(selectors.post_visible_to(pk=pk, viewer=request.user))
    pages = Paginator(post.revisions.all(), settings.SQUARE_HISTORY_PAGE_SIZE)
    page = pages.get_page(request.GET.get("page"))
    kept = settings.SQUARE_REVISIONS_KEPT
    context = {"post": post, "revisions": page.object_list, "page": page, "kept": kept}
    return render(request, "square/post_history.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    editable = Post.objects.published().originals_and_quotes()  # a plain repost has no text
    post = get_object_or_404(editable, pk=pk, author=request.user)
    refusal = write_refusal(request.user)
    if refusal:  # banned: say why on the post instead of showing a form that cannot save
        messages.error(request, refusal)
        return redirect(post)
    if request.method == "POST":
        form = PostEditForm(request.POST)
        if form.is_valid():
            try:
                post_edit(post=post, editor=request.user, body=form.cleaned_data["body"])
            except ValidationError as exc:
                form_errors(form, exc)
            except PermissionDenied as exc:
                messages.error(request, refusal_text(exc))
                return redirect(post)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(post)
    else:
        form = PostEditForm(initial={"body": post.body})
    return render(request, "square/post_edit.html", {"form": form, "post": post})


@login_required
@require_POST
def delete(request, pk: int):
    post = get_object_or_404(Post, pk=pk, author=request.user)
    post_delete(post=post, actor=request.user)
    messages.success(request, _("Your post was deleted."))
    return redirect("profile", username=request.user.username)
