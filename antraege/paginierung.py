"""Pages of 50 for the staff lists that grow with the years (one helper, one template).

``seite_for(request, queryset)`` reads ``?seite=`` and keeps every other query parameter (filters,
search) in the links; a page number past the end shows the last page and says so, anything that
is not a number shows the first. Two queries whatever the size: ``COUNT`` and the page's rows.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator

PRO_SEITE = 50
PARAMETER = "seite"


@dataclass(frozen=True)
class Seitenlink:
    nummer: int | None  # None: the gap "…"
    query: str = ""
    aktuell: bool = False


@dataclass(frozen=True)
class Seite:
    page: object  # django.core.paginator.Page
    gesamt: int
    links: list
    vorher: str | None  # query string of the previous page
    weiter: str | None
    angefragt: int | None  # the page asked for when it did not exist

    @property
    def eintraege(self):
        return self.page.object_list

    @property
    def hier(self):
        """The query string of this page ("" on the first): forms on a page post to their URL with
        it, so that their answer (``refusals.form_submit``) comes back to the same page."""
        return seite_query(self.page.number)

    @property
    def mehrere(self):
        return self.page.paginator.num_pages > 1

    @property
    def von(self):
        return self.page.start_index()

    @property
    def bis(self):
        return self.page.end_index()


def seite_query(nummer):
    """``?seite=<nummer>`` of a list page; "" for the first page (or no page)."""
    return f"?{PARAMETER}={nummer}" if nummer and int(nummer) > 1 else ""


def _query(params, parameter, nummer):
    params = params.copy()
    if nummer == 1:
        params.pop(parameter, None)
    else:
        params[parameter] = str(nummer)
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def _nummern(aktuell, letzte, *, umgebung=2):
    """1 … 4 5 [6] 7 8 … 20: first, last and the neighbours of the current page."""
    sichtbar = {1, letzte, *range(aktuell - umgebung, aktuell + umgebung + 1)}
    result, vorige = [], 0
    for nummer in sorted(n for n in sichtbar if 1 <= n <= letzte):
        if nummer - vorige > 1:
            result.append(None)
        result.append(nummer)
        vorige = nummer
    return result


def seite_for(request, queryset, *, pro_seite=PRO_SEITE, parameter=PARAMETER, gesamt=None):
    """The requested page of an ordered ``queryset`` and the links to the others.

    ``gesamt``: the number of rows when the caller counted them already (saves the ``COUNT``).
    """
    paginator = Paginator(queryset, pro_seite, allow_empty_first_page=True)
    if gesamt is not None:
        paginator.count = gesamt  # a cached_property: set, it is not queried again
    raw = request.GET.get(parameter, "")
    try:
        angefragt = int(raw)
    except ValueError:
        angefragt = 1
    page = paginator.get_page(angefragt)  # past the end: the last page; below 1 too: the first
    page.object_list = list(page.object_list)
    params = request.GET
    links = [
        Seitenlink(nummer, _query(params, parameter, nummer), nummer == page.number)
        if nummer
        else Seitenlink(None)
        for nummer in _nummern(page.number, paginator.num_pages)
    ]
    return Seite(
        page=page,
        gesamt=paginator.count,
        links=links,
        vorher=_query(params, parameter, page.number - 1) if page.has_previous() else None,
        weiter=_query(params, parameter, page.number + 1) if page.has_next() else None,
        angefragt=angefragt if raw and angefragt != page.number else None,
    )
