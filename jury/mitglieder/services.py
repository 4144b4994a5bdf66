"""QM manages its area's jury: appoint a member or deputy, correct an entry, end a term.

Every function checks that the person acting is QM staff of the area, runs in one transaction and
either does all of it or raises ``JuryRefused`` and changes nothing. A member is a user account
(the jury signs in to read papers and vote): appointing someone whose e-mail address already has an
account reuses it (a re-elected member, or one who sits in two areas), else a new account is made
without a usable password, and the member gets an invitation e-mail in their language with a link to
set it (``jurymitglied_invite``; QM can send it again). Accounts of staff (QM, administration) are never made jury members, and
QM changes a member's name or address only while the account belongs to no jury outside QM's areas.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from antraege import permissions
from antraege.mail import services as mail

from ..abstimmungen.services import JuryRefused
from .models import Jurymitglied, Kontoeinstellung
from .selectors import kontosprache

logger = logging.getLogger(__name__)


def _pruefen_qm(akteur, quartier_id):
    if not permissions.may_manage_jury_of_area(akteur, quartier_id):
        raise JuryRefused(_("Diese Jury gehört nicht zu Ihrem Quartier."), code="forbidden")


def _amtszeit_pruefen(beginn, ende):
    if ende is not None and ende < beginn:
        raise JuryRefused(
            _("Das Ende der Amtszeit darf nicht vor ihrem Beginn liegen."), "invalid", field="ende"
        )


def _ueberschneidung_pruefen(user, quartier, beginn, ende, *, ausser=None):
    """The same person holds at most one seat of an area's jury at a time."""
    andere = Jurymitglied.objects.filter(user=user, quartier=quartier).filter(
        Q(ende__isnull=True) | Q(ende__gte=beginn)
    )
    if ende is not None:
        andere = andere.filter(beginn__lte=ende)
    if ausser is not None:
        andere = andere.exclude(pk=ausser.pk)
    if andere.exists():
        raise JuryRefused(
            _(
                "Diese Person ist in diesem Zeitraum schon in der Jury (Mitglied oder Stellvertretung)."
            ),
            "conflict",
            field="email",
        )


def _staff_konto(user):
    return user.is_staff or user.is_superuser or user.qm_quartiere.exists()


def _konto_for(email, vorname, nachname):
    """The account of ``email``: the existing one (names kept), or a new one without a password."""
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).order_by("pk").first()
    if user is not None:
        if _staff_konto(user):
            raise JuryRefused(
                _(
                    "Diese Adresse gehört zu einem Konto des QM oder der Verwaltung. Jurymitglieder "
                    "brauchen ein eigenes Konto."
                ),
                "invalid",
                field="email",
            )
        return user
    if user_model.objects.filter(username__iexact=email).exists():
        raise JuryRefused(
            _("Zu dieser Adresse gibt es schon ein anderes Konto."), "conflict", field="email"
        )
    user = user_model(username=email, email=email, first_name=vorname, last_name=nachname)
    user.set_unusable_password()
    user.save()
    return user


def _sprache_setzen(user, sprache):
    if sprache not in dict(settings.LANGUAGES):
        raise JuryRefused(_("Diese Sprache gibt es nicht."), "invalid", field="sprache")
    Kontoeinstellung.objects.update_or_create(user=user, defaults={"sprache": sprache})


def jurymitglied_appoint(
    quartier,
    *,
    akteur,
    vorname,
    nachname,
    email,
    sprache,
    rolle,
    beginn,
    ende=None,
    gewaehlt_am=None,
    mindestalter_bestaetigt=False,
):
    """Appoint a member or deputy of ``quartier``'s jury for a term; returns the ``Jurymitglied``.

    The age rule is a confirmation at appointment (16 or older), never a birth date."""
    _pruefen_qm(akteur, quartier.pk)
    email = (email or "").strip().lower()
    if not mindestalter_bestaetigt:
        raise JuryRefused(
            _("Bitte bestätigen Sie, dass das Mitglied mindestens 16 Jahre alt ist."),
            "invalid",
            field="mindestalter_bestaetigt",
        )
    if rolle not in Jurymitglied.Rolle.values:
        raise JuryRefused(_("Bitte wählen Sie Mitglied oder Stellvertretung."), "invalid", "rolle")
    _amtszeit_pruefen(beginn, ende)
    with transaction.atomic():
        user = _konto_for(email, vorname.strip(), nachname.strip())
        _ueberschneidung_pruefen(user, quartier, beginn, ende)
        _sprache_setzen(user, sprache)
        mitglied = Jurymitglied.objects.create(
            user=user,
            quartier=quartier,
            rolle=rolle,
            beginn=beginn,
            ende=ende,
            gewaehlt_am=gewaehlt_am,
            mindestalter_bestaetigt=True,
        )
        if not user.has_usable_password():
            jurymitglied_invite(mitglied, akteur=akteur)
    logger.info("jury member %s appointed in %s by %s", mitglied.pk, quartier.code, akteur)
    return mitglied


def jurymitglied_invite(mitglied, *, akteur):
    """E-mail the member, in their language, a link to set the password of their account (valid
    for ``PASSWORD_RESET_TIMEOUT``, once: setting the password ends it). Only for an account
    without a usable password; returns the outbox row or None."""
    _pruefen_qm(akteur, mitglied.quartier_id)
    user = mitglied.user
    if user.has_usable_password() or not user.email:
        return None
    url = settings.SITE_URL + reverse(
        "jury:passwort_setzen",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return mail.queue(
        "jury_einladung",
        empfaenger=user.email,
        sprache=kontosprache(user),
        kontext={
            "name": mitglied.anzeigename,
            "quartier": mitglied.quartier.name,
            "beginn": mitglied.beginn,
            "stellvertretung": mitglied.rolle == Jurymitglied.Rolle.STELLVERTRETUNG,
            "benutzername": user.get_username(),
            "url": url,
            "login_url": settings.SITE_URL + reverse("login"),
        },
    )


def jurymitglied_update(
    mitglied, *, akteur, vorname, nachname, email, sprache, rolle, beginn, ende, gewaehlt_am
):
    """Correct an entry: name, address, language, role, term and election date."""
    _pruefen_qm(akteur, mitglied.quartier_id)
    email = (email or "").strip().lower()
    if rolle not in Jurymitglied.Rolle.values:
        raise JuryRefused(_("Bitte wählen Sie Mitglied oder Stellvertretung."), "invalid", "rolle")
    _amtszeit_pruefen(beginn, ende)
    with transaction.atomic():
        mitglied = (
            Jurymitglied.objects.select_for_update().select_related("user").get(pk=mitglied.pk)
        )
        user = mitglied.user
        neue_daten = (vorname.strip(), nachname.strip(), email)
        if neue_daten != (user.first_name, user.last_name, user.email.lower()):
            _konto_aendern_pruefen(user, akteur, email)
            if user.username.lower() == user.email.lower():  # made here: the address is the name
                user.username = email
            user.first_name, user.last_name, user.email = neue_daten
            user.save(update_fields=["username", "first_name", "last_name", "email"])
        _ueberschneidung_pruefen(user, mitglied.quartier, beginn, ende, ausser=mitglied)
        _sprache_setzen(user, sprache)
        Jurymitglied.objects.filter(pk=mitglied.pk).update(
            rolle=rolle, beginn=beginn, ende=ende, gewaehlt_am=gewaehlt_am
        )
    return Jurymitglied.objects.select_related("user").get(pk=mitglied.pk)


def _konto_aendern_pruefen(user, akteur, email):
    """QM may change the account's name and address only if every jury seat of the account is
    in one of QM's areas, and only to an address no other account has."""
    fremd = user.jurymitgliedschaften.exclude(quartier_id__in=akteur.qm_quartier_ids)
    if fremd.exists() or _staff_konto(user):
        raise JuryRefused(
            _(
                "Dieses Konto gehört auch zu einer anderen Jury. Name und Adresse ändert dort die "
                "Verwaltung."
            ),
            "invalid",
            field="email",
        )
    user_model = get_user_model()
    andere = user_model.objects.exclude(pk=user.pk)
    if andere.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        raise JuryRefused(
            _("Zu dieser Adresse gibt es schon ein anderes Konto."), "conflict", field="email"
        )


def jurymitglied_end(mitglied, *, akteur, ende):
    """End a term on ``ende`` (the last day in office). Returns the updated entry."""
    _pruefen_qm(akteur, mitglied.quartier_id)
    if not isinstance(ende, datetime.date):
        raise JuryRefused(_("Bitte geben Sie das Ende der Amtszeit an."), "invalid", field="ende")
    with transaction.atomic():
        mitglied = Jurymitglied.objects.select_for_update().get(pk=mitglied.pk)
        _amtszeit_pruefen(mitglied.beginn, ende)
        Jurymitglied.objects.filter(pk=mitglied.pk).update(ende=ende)
    logger.info("jury member %s: term ends %s (by %s)", mitglied.pk, ende, akteur)
    return Jurymitglied.objects.select_related("user").get(pk=mitglied.pk)


def kontosprache_set(user, sprache):
    """Store the language of ``user``'s account."""
    if sprache not in dict(settings.LANGUAGES):
        raise JuryRefused(_("Diese Sprache gibt es nicht."), code="invalid")
    Kontoeinstellung.objects.update_or_create(user=user, defaults={"sprache": sprache})
