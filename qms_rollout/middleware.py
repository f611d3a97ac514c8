"""Vietnamese first: the language is the one the user chose (the language cookie set by the
switch in the footer), else ``LANGUAGE_CODE``. The browser's Accept-Language is not consulted:
an office's browser in English still gets the Vietnamese interface until someone switches."""

import time

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


class PrivateCacheMiddleware:
    """Every response to a signed-in user (pages and downloads) is ``Cache-Control: private``:
    no shared cache (a proxy of the office network) keeps a copy another user could be served."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True)
        return response


RENEWED_KEY = "_renewed_at"


def _mark_renewed(session) -> None:
    session[RENEWED_KEY] = int(time.time())


def session_renewed_at_login(sender, request, user, **kwargs):
    """``user_logged_in``: a new session starts its idle clock at the sign-in."""
    _mark_renewed(request.session)


class IdleSessionMiddleware:
    """The idle timeout: a signed-in session lives ``SESSION_COOKIE_AGE`` seconds after the last
    request. Instead of saving the session on every request (a database write per page), the
    expiry is pushed back at most once every :data:`RENEW_EVERY` seconds, so the timeout is
    exact to within that."""

    RENEW_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            renewed = request.session.get(RENEWED_KEY, 0)
            if time.time() - renewed >= self.RENEW_EVERY:
                _mark_renewed(request.session)  # modified: saved with a new expiry
        return self.get_response(request)
