"""Sign-up, log-in (Django's view with a throttled form), profiles and profile editing."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from square import selectors
from square.forms import LoginForm, ProfileForm, SignupForm
from square.login_throttle import client_ip
from square.models import User
from square.pagination import keyset_page
from square.project.page_cache import visitor_page
from square.project.ratelimit import RateLimited, rate_limit_hit, rate_limit_undo
from square.services.accounts import profile_update, user_create, write_refusal
from square.views.common import form_errors, next_url, render_feed


def _signup_limited(limit: int) -> str:
    return ngettext(
        "Too many new accounts from your network: at most %(limit)d an hour. "
        "Please try again later.",
        "Too many new accounts from your network: at most %(limit)d an hour. "
        "Please try again later.",
        limit,
    ) % {"limit": limit}


@require_http_methods(["GET", "POST"])
def signup(request):
    """Sign-up, at most `SQUARE_RATE_LIMITS["signup"]` accounts an hour per client
    address (counted only for forms that would create one; a refusal is a 429)."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        address = client_ip(request)
        try:
            rate_limit_hit(action="signup", address=address)
            user = user_create(
                username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
            )
        except RateLimited as exc:
            form.add_error(None, _signup_limited(exc.limit))
            status = 429
        except ValidationError as exc:
            rate_limit_undo(action="signup", address=address)
            form_errors(form, exc, "username")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to Square, %(name)s!") % {"name": user.username})
            return redirect("home")
    return render(request, "registration/signup.html", {"form": form}, status=status)


class LoginView(auth_views.LoginView):
    """Django's login page with `LoginForm`, which throttles failed attempts; a
    throttled attempt is answered 429 (with the form and the minutes to wait)."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if getattr(form, "throttled", False):
            response.status_code = 429
        return response


@require_GET
@visitor_page
def profile(request, username: str):
    member = get_object_or_404(User, username=username)
    viewer = request.user if request.user.is_authenticated else None
    qs = selectors.user_posts(user=member, viewer=viewer)
    others = [member] if viewer is not None and viewer.pk != member.pk else []
    follows = selectors.following_ids(viewer=viewer, users=others)
    return render_feed(
        request, "square/profile.html", qs, {"member": member, "following_ids": follows}
    )


def _people(request, username: str, which: str):
    """A followers or following list, newest first, with follow buttons (3 queries)."""
    member = get_object_or_404(User, username=username)
    if which == "followers":
        rows, person = selectors.followers_of(user=member), "follower"
    else:
        rows, person = selectors.following_of(user=member), "followee"
    page = keyset_page(rows, request.GET.get("cursor"), settings.SQUARE_FEED_PAGE_SIZE)
    people = [getattr(row, person) for row in page.items]
    context = {
        "member": member,
        "which": which,
        "people": people,
        "following_ids": selectors.following_ids(viewer=request.user, users=people),
        "next_url": next_url(request, page.next_cursor) if page.has_next else "",
    }
    return render(request, "square/people.html", context)


@require_GET
def followers(request, username: str):
    return _people(request, username, "followers")


@require_GET
def following(request, username: str):
    return _people(request, username, "following")


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    user = request.user
    if refusal := write_refusal(user):  # banned: say why instead of a form that cannot save
        messages.error(request, refusal)
        return redirect(user)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            if form.cleaned_data["avatar"]:  # each new avatar is decoded: a 429 beyond this
                rate_limit_hit(action="avatar", user_id=user.pk)
            try:
                profile_update(
                    user=user,
                    display_name=form.cleaned_data["display_name"],
                    bio=form.cleaned_data["bio"],
                    avatar=form.cleaned_data["avatar"],
                )
            except ValidationError as exc:
                form_errors(form, exc, "display_name")
            else:
                messages.success(request, _("Your profile is updated."))
                return redirect(user)
    else:
        form = ProfileForm(initial={"display_name": user.display_name, "bio": user.bio})
    return render(request, "accounts/profile_edit.html", {"form": form})
