from django.conf import settings

STAFF_PREFIXES = ("/qm/", "/jury/", "/admin/", "/anmelden/")


def site(request):
    """Languages offered by the switch: all four on resident pages, German/English for staff."""
    staff = request.path.startswith(STAFF_PREFIXES) or request.user.is_authenticated
    languages = [
        (code, name)
        for code, name in settings.LANGUAGES
        if not staff or code in settings.STAFF_LANGUAGES
    ]
    return {"available_languages": languages, "site_url": settings.SITE_URL}
