"""The public list's stored filter choices (``Veroeffentlichungsfilter``): recomputed in the
transaction of each change that can change them, so the next view of the list shows a new fund's
year and area, and no view reads the funds of every area and year for them.

What changes them: a fund created, deleted, or moved to another area or year; an area renamed or
given another code. Each is a ``save``/``delete`` of the model (the admin, the test data, a
shell), answered by the signals connected in ``AntraegeConfig.ready``. A write that sends no
signal (``QuerySet.update`` of a fund's area or year, ``bulk_create`` of funds, SQL by hand: the
product does none of them) is caught by the nightly check (``veroeffentlichungsfilter_pruefen``,
``task_check_veroeffentlichungsfilter``): the choices are never stale for longer than a day.
"""

from django.db import IntegrityError, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from ..models import Aktionsfonds, Quartier, Veroeffentlichungsfilter
from ..selectors.veroeffentlichung import oeffentliche_auswahl_berechnen

# the fields of a fund and of an area the choices show or depend on
FONDS_FELDER = {"jahr", "quartier", "quartier_id"}
QUARTIER_FELDER = {"name", "code"}


def veroeffentlichungsfilter_refresh():
    """Recompute and store the filter choices, in the caller's transaction (or one of its own);
    True when they changed.

    The stored row is locked before the funds are read (PostgreSQL: ``SELECT … FOR UPDATE``;
    SQLite writes one at a time anyway): two changes committed at once recompute one after the
    other, and the second reads the funds after the first committed (read committed: a new
    snapshot per statement), so neither's change is lost to the other's older view."""
    with transaction.atomic():
        zeile = _gesperrt()
        jahre, quartiere = oeffentliche_auswahl_berechnen()
        if zeile.jahre == jahre and zeile.quartiere == quartiere:
            return False
        Veroeffentlichungsfilter.objects.filter(pk=zeile.pk).update(
            jahre=jahre, quartiere=quartiere, berechnet_am=timezone.now()
        )
        return True


def _gesperrt():
    """The stored row, locked; created (empty) when missing, by whoever comes first."""
    einzige = Veroeffentlichungsfilter.objects.select_for_update().filter(
        pk=Veroeffentlichungsfilter.EINZIGE
    )
    zeile = einzige.first()
    if zeile is not None:
        return zeile
    try:
        with transaction.atomic():
            return Veroeffentlichungsfilter.objects.create(
                pk=Veroeffentlichungsfilter.EINZIGE, berechnet_am=timezone.now()
            )
    except IntegrityError:  # created at the same moment elsewhere (and committed): lock that one
        return einzige.get()


def veroeffentlichungsfilter_pruefen():
    """The nightly check: the stored choices against the funds as they are, recomputed (and
    locked) only when they differ, which only a write that sent no signal leaves behind. True
    when they were stale."""
    gespeichert = (
        Veroeffentlichungsfilter.objects.filter(pk=Veroeffentlichungsfilter.EINZIGE)
        .values_list("jahre", "quartiere")
        .first()
    )
    if gespeichert is not None and tuple(gespeichert) == oeffentliche_auswahl_berechnen():
        return False
    return veroeffentlichungsfilter_refresh()


def _fonds_gespeichert(sender, instance, created=False, update_fields=None, **kwargs):
    if update_fields is not None and not FONDS_FELDER & set(update_fields):
        return  # a save of other fields (none of the product's: they go by ``update``)
    veroeffentlichungsfilter_refresh()


def _fonds_geloescht(sender, instance, **kwargs):
    veroeffentlichungsfilter_refresh()


def _quartier_gespeichert(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if created and not raw:
        return  # a new area has no fund yet (a fixture's may have: ``raw``)
    if update_fields is not None and not QUARTIER_FELDER & set(update_fields):
        return
    veroeffentlichungsfilter_refresh()


def signale_verbinden():
    """Connect the recomputation to the saves and deletions that can change the choices (once,
    from ``AntraegeConfig.ready``). An area with a fund cannot be deleted (``PROTECT``)."""
    post_save.connect(_fonds_gespeichert, sender=Aktionsfonds, dispatch_uid="filter_fonds_save")
    post_delete.connect(_fonds_geloescht, sender=Aktionsfonds, dispatch_uid="filter_fonds_delete")
    post_save.connect(_quartier_gespeichert, sender=Quartier, dispatch_uid="filter_quartier_save")
