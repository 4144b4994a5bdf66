"""Staff sign-in: password, then the second factor; lockout after repeated failures.

Step 1 is Django's ``LoginView`` (django-axes counts failures per user name and per address and
answers a locked-out attempt with ``anmeldung_gesperrt``). Step 2, ``ZweiFaktorMiddleware``: a
signed-in user who has a second factor, or must have one (QM staff, admins), reaches nothing but the
pages of this module until the code is confirmed.
"""

import time
from urllib.parse import urlencode

import segno
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login

from antraege.web.forms import KernForm

from . import zwei_faktor

ZWEI_FAKTOR_PREFIX = "/anmelden/zwei-faktor/"
# Reachable while the second factor is still missing: this module's pages, sign-out, language, assets.
OPEN_PREFIXES = (ZWEI_FAKTOR_PREFIX, "/abmelden/", "/i18n/", "/static/")
NEUE_CODES_SESSION_KEY = "zwei_faktor_neue_codes"


def _safe_next(request, fallback):
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


class ZweiFaktorMiddleware:
    """Until the second factor is confirmed in this session, a signed-in user who has one (or must
    have one) is sent to enter it (or to set it up) from every other page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            if zwei_faktor.zwei_faktor_active(user):
                target = "zwei_faktor_bestaetigen"
            elif zwei_faktor.zwei_faktor_required(user):
                target = "zwei_faktor_einrichten"
            else:
                return self.get_response(request)
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(reverse(target) + (f"?{query}" if query else ""))
        return self.get_response(request)


# When this session's sign-in happened and when it was last used (seconds since the epoch).
STAFF_SEIT_KEY = "anmeldung_seit"
STAFF_ZULETZT_KEY = "anmeldung_zuletzt"
# The timestamp of the last request is written at most this often (not a session write per request).
STAFF_TOUCH_SECONDS = 60


def staff_session_check(request, *, now=None):
    """End a signed-in account's session after ``STAFF_SESSION_IDLE_SECONDS`` (30 minutes) without
    a request or ``STAFF_SESSION_MAX_SECONDS`` (10 hours) after sign-in; returns why it ended
    (``"idle"``, ``"max"``) or None. Applicants (no account) keep their own 2-hour rule
    (``antraege.zugang.session``).

    Side effects: signs out (the session is flushed), refreshes the last-use timestamp.
    """
    if not request.user.is_authenticated:
        return None
    now = time.time() if now is None else now
    session = request.session
    seit = session.setdefault(STAFF_SEIT_KEY, now)
    zuletzt = session.get(STAFF_ZULETZT_KEY, now)
    grund = None
    if now - seit > settings.STAFF_SESSION_MAX_SECONDS:
        grund = "max"
    elif now - zuletzt > settings.STAFF_SESSION_IDLE_SECONDS:
        grund = "idle"
    if grund:
        logout(request)
        return grund
    if STAFF_ZULETZT_KEY not in session or now - zuletzt > STAFF_TOUCH_SECONDS:
        session[STAFF_ZULETZT_KEY] = now
    return None


class StaffSessionMiddleware:
    """Signed-in accounts (QM, admins, jury) are signed out after 30 minutes without a request and
    10 hours after signing in; the sign-in page then says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        grund = staff_session_check(request)
        if grund:
            messages.info(request, _abmelde_hinweis(grund))
        return self.get_response(request)


def _abmelde_hinweis(grund):
    """Why the session ended, for the sign-in page."""
    if grund == "idle":
        return _(
            "Sie wurden abgemeldet, weil Sie %(minuten)s Minuten nichts getan haben. "
            "Bitte melden Sie sich neu an."
        ) % {"minuten": settings.STAFF_SESSION_IDLE_SECONDS // 60}
    return _(
        "Sie waren %(stunden)s Stunden angemeldet und wurden deshalb abgemeldet. "
        "Bitte melden Sie sich neu an."
    ) % {"stunden": settings.STAFF_SESSION_MAX_SECONDS // 3600}


class CodeForm(KernForm):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        help_text=gettext_lazy(
            "Die sechs Ziffern aus Ihrer Authenticator-App oder einer Ihrer Wiederherstellungscodes."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"}
        ),
    )


class EinrichtenForm(KernForm):
    code = forms.CharField(
        label=gettext_lazy("Code aus der App"),
        max_length=10,
        help_text=gettext_lazy("Die sechs Ziffern, die Ihre Authenticator-App jetzt anzeigt."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@login_required
def zwei_faktor_bestaetigen(request):
    """Step 2 of the sign-in: the code from the app, or a recovery code."""
    user = request.user
    nach = _safe_next(request, settings.LOGIN_REDIRECT_URL)
    if user.is_verified():
        return redirect(nach)
    if not zwei_faktor.zwei_faktor_active(user):
        return redirect(reverse("zwei_faktor_einrichten") + "?" + urlencode({"next": nach}))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = zwei_faktor.zwei_faktor_verify(user, token=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            if device.persistent_id.startswith("otp_static"):
                messages.warning(
                    request,
                    _(
                        "Sie haben sich mit einem Wiederherstellungscode angemeldet. Es bleiben "
                        "%(anzahl)s Codes. Erzeugen Sie neue, wenn nur noch wenige übrig sind."
                    )
                    % {"anzahl": zwei_faktor.recovery_codes_left(user)},
                )
            return redirect(nach)
        form.add_error(
            "code",
            _(
                "Der Code stimmt nicht oder ist abgelaufen. Bitte geben Sie den aktuellen Code "
                "ein (nach mehreren Fehlversuchen müssen Sie etwas warten)."
            ),
        )
    return render(
        request,
        "registration/zwei_faktor_bestaetigen.html",
        {"form": form, "next": nach, "form_has_errors": bool(form.errors)},
    )


@login_required
def zwei_faktor_einrichten(request):
    """Set up the app (QR code or the secret typed in), confirmed by its first code."""
    user = request.user
    nach = _safe_next(request, settings.LOGIN_REDIRECT_URL)
    aktiv = zwei_faktor.zwei_faktor_active(user)
    if aktiv and not user.is_verified():
        return redirect(reverse("zwei_faktor_bestaetigen") + "?" + urlencode({"next": nach}))
    if aktiv:
        return render(
            request,
            "registration/zwei_faktor_status.html",
            {"codes_uebrig": zwei_faktor.recovery_codes_left(user)},
        )
    device = zwei_faktor.totp_device_pending(user)
    form = EinrichtenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = zwei_faktor.totp_device_confirm(device, token=form.cleaned_data["code"])
        if codes is not None:
            otp_login(request, device)
            request.session.cycle_key()
            request.session[NEUE_CODES_SESSION_KEY] = codes
            return redirect(reverse("zwei_faktor_codes") + "?" + urlencode({"next": nach}))
        form.add_error(
            "code",
            _("Der Code stimmt nicht. Prüfen Sie, ob die Uhrzeit Ihres Telefons richtig ist."),
        )
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "registration/zwei_faktor_einrichten.html",
        {
            "form": form,
            "next": nach,
            "pflicht": zwei_faktor.zwei_faktor_required(user),
            "qr_data_uri": qr.svg_data_uri(scale=5, border=2, dark="#000", light="#fff"),
            "secret": zwei_faktor.totp_secret_base32(device),
            "form_has_errors": bool(form.errors),
        },
    )


@login_required
def zwei_faktor_codes(request):
    """The new recovery codes, shown once; a POST makes new ones (the old stop working)."""
    if not request.user.is_verified():
        return redirect("zwei_faktor_bestaetigen")
    if request.method == "POST":
        request.session[NEUE_CODES_SESSION_KEY] = zwei_faktor.recovery_codes_renew(request.user)
        return redirect("zwei_faktor_codes")
    codes = request.session.pop(NEUE_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("zwei_faktor_einrichten")
    return render(
        request,
        "registration/zwei_faktor_codes.html",
        {"codes": codes, "next": _safe_next(request, settings.LOGIN_REDIRECT_URL)},
    )


# --- Lockout ---


def _gesperrt_bis(request, credentials):
    """When the lockout of this user name or this address ends (the last failure + cool-off)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    latest = (
        AccessAttempt.objects.filter(
            Q(username=username) | Q(ip_address=getattr(request, "axes_ip_address", None))
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return (latest or timezone.now()) + settings.AXES_COOLOFF_TIME


def anmeldung_gesperrt(request, original_response=None, credentials=None):
    """The answer to a sign-in while locked out: when to try again, and who can lift it (429)."""
    bis = timezone.localtime(_gesperrt_bis(request, credentials))
    return render(
        request,
        "registration/gesperrt.html",
        {
            "bis_uhrzeit": time_format(bis, "H:i"),
            "bis_datum": date_format(bis, "DATE_FORMAT"),
        },
        status=429,
    )


def _locked_usernames():
    """``[(username, failures)]`` of the user names locked now (axes keeps one row per name and
    address; the lock counts the failures of all addresses)."""
    threshold = timezone.now() - settings.AXES_COOLOFF_TIME
    return (
        AccessAttempt.objects.filter(attempt_time__gte=threshold)
        .exclude(username=None)
        .values("username")
        .annotate(fehlversuche=Sum("failures_since_start"))
        .filter(fehlversuche__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username")
    )


@login_required
def anmeldesperren(request):
    """QM staff lift the lockout of their area's people (QM colleagues, jury members) early."""
    from antraege import permissions
    from antraege.datenschutz.models import Zugriffsnachweis
    from antraege.datenschutz.nachweis import zugriffsnachweis_record
    from antraege.roles import Akteur

    akteur = Akteur.from_request(request)
    if not permissions.is_staff(akteur):
        raise PermissionDenied
    users = get_user_model().objects.all()
    if not permissions.is_admin(akteur):
        users = users.filter(
            Q(qm_quartiere__in=akteur.qm_quartier_ids)
            | Q(jurymitgliedschaften__quartier__in=akteur.qm_quartier_ids)
        )
    names = set(users.values_list("username", flat=True))
    sperren = [s for s in _locked_usernames() if s["username"] in names]
    if request.method == "POST":
        username = request.POST.get("username", "")
        if username in {s["username"] for s in sperren}:
            axes_reset(username=username)
            zugriffsnachweis_record(
                request.user, Zugriffsnachweis.Aktion.ENTSPERRUNG, gegenstand=username
            )
            messages.success(
                request, _("Die Sperre für „%(name)s“ ist aufgehoben.") % {"name": username}
            )
        return redirect("anmeldesperren")
    return render(request, "registration/anmeldesperren.html", {"sperren": sperren})
