"""Project-wide HTTP safeguards: a cap on request bodies, and no caching of personal pages."""

from django.conf import settings
from django.utils.cache import patch_cache_control
from django.utils.module_loading import import_string


class RequestBodyLimitMiddleware:
    """Refuse a request whose body is larger than ``REQUEST_MAX_BYTES`` before anything reads it
    (413). Uploads are capped per file by ``UPLOAD_MAX_BYTES``; this caps the whole request.

    Placed after the session and language middleware (neither reads the body) and before CSRF
    (which does): the page, ``REQUEST_TOO_LARGE_VIEW``, is in the site's layout and the reader's
    language, with the way back."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.view = import_string(settings.REQUEST_TOO_LARGE_VIEW)

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_MAX_BYTES:
            return self.view(request)
        return self.get_response(request)


class NoStoreMiddleware:
    """Every page rendered by the app may show personal data (the forms, Mein Antrag, letters,
    receipts, the staff pages): no browser or proxy keeps a copy. Static files (WhiteNoise, which
    answers before this middleware) keep their long cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        return response
