"""Composing, reading, editing and deleting posts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from square import selectors
from square.forms import PostEditForm, PostForm
from square.models import Post
from square.services.posts import post_create, post_delete, post_edit
from square.views.common import form_errors


@login_required
@require_http_methods(["GET", "POST"])
def compose(request):
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
            else:
                messages.success(request, _("Posted."))
                return redirect(post)
    else:
        tag = request.GET.get("tag", "").strip().lstrip("#＃")[:64]
        initial = f"#{tag} " if tag else ""
        form = PostForm(initial={"body": initial})
    return render(request, "square/compose.html", {"form": form})


def _visible_or_404(request, pk: int) -> Post:
    post = selectors.post_visible_to(pk=pk, viewer=request.user)
    if post is None:
        raise Http404
    return post


@require_GET
def detail(request, pk: int):
    post = _visible_or_404(request, pk)
    return render(request, "square/post_detail.html", {"post": post})


@require_GET
def history(request, pk: int):
    post = _visible_or_404(request, pk)
    return render(
        request, "square/post_history.html", {"post": post, "revisions": post.revisions.all()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk: int):
    post = get_object_or_404(Post, pk=pk, author=request.user, status=Post.Status.PUBLISHED)
    if request.method == "POST":
        form = PostEditForm(request.POST)
        if form.is_valid():
            try:
                post_edit(post=post, editor=request.user, body=form.cleaned_data["body"])
            except ValidationError as exc:
                form_errors(form, exc)
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
