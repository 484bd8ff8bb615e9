"""Published results before the rest of the stack: the results page, results.json and
the frozen lists of a published campaign are the same stored bytes for everyone
(`campaigns.services.published`), so on announcement day they are answered here —
no session, no user, no campaign query — from the address alone
(`campaigns.selectors.published.published_files_for_slug`). Everything else, and these
addresses before publication, go on to the views."""

from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_request

from campaigns.selectors.published import published_files_for_slug
from campaigns.views.stored import stored_response

_PREFIX = "/campaigns/"
_VIEWS = {"campaigns:results", "campaigns:results_json", "campaigns:list_download"}


def _file_key(match, request) -> str:
    """Which stored file the address names ("page:<language>", "json:", "list:<kind>")."""
    if match.view_name == "campaigns:results":
        return f"page:{get_language_from_request(request)}"
    if match.view_name == "campaigns:results_json":
        return "json:"
    return f"list:{match.kwargs['kind']}"


class PublishedResultsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._published(request) if request.method == "GET" else None
        return response if response is not None else self.get_response(request)

    def _published(self, request):
        if not request.path_info.startswith(_PREFIX):
            return None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if match.view_name not in _VIEWS:
            return None
        stored = published_files_for_slug(slug=match.kwargs["slug"]).get(_file_key(match, request))
        if stored is None:
            return None
        response = stored_response(request, stored)
        if match.view_name == "campaigns:results":
            patch_vary_headers(response, ("Accept-Language", "Cookie"))  # the language
        elif match.view_name == "campaigns:list_download":
            kind = match.kwargs["kind"]
            response["Content-Disposition"] = (
                f'inline; filename="{match.kwargs["slug"]}-{kind}.txt"'
            )
        return response
