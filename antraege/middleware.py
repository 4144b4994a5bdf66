"""Staff pages exist in German and English only: any other chosen language falls back to German
(the jury's own pages exist in all four, ``context_processors.is_jury_member_request``)."""

from django.conf import settings
from django.utils import translation

from .context_processors import is_staff_request


class StaffLanguageMiddleware:
    """Runs after LocaleMiddleware (cookie / Accept-Language) and after authentication."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_staff_request(request) and request.LANGUAGE_CODE not in settings.STAFF_LANGUAGES:
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return self.get_response(request)
