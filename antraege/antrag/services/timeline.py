"""The timeline of an Antrag: the one place a ``Statuswechsel`` entry is written."""

from ...models import Statuswechsel
from ...roles import rolle_of


def statuswechsel_record(
    antrag, *, akteur, von=None, nach=None, kommentar="", intern=False, mitteilung=False
):
    """Write one timeline entry: who (``akteur``, in the role they act in), from, to, comment.

    Without ``von``/``nach`` the entry records an event in the current state (amounts, receipt
    checks); ``von=""`` marks the first entry of a new draft. ``mitteilung``: an event the
    applicant sees with its comment on "Mein Antrag" (a correction, a change request).
    """
    return Statuswechsel.objects.create(
        antrag=antrag,
        von_status=antrag.status if von is None else von,
        nach_status=antrag.status if nach is None else nach,
        akteur=akteur.user if akteur.is_authenticated else None,
        rolle=rolle_of(akteur, antrag),
        kommentar=kommentar,
        intern=intern,
        mitteilung=mitteilung,
    )
