"""``{% darf "<predicate>" objekt as name %}``: a template asks ``antraege.permissions`` whether the
person of this request may do something, e.g. ``{% darf "may_manage_jury_of_area" quartier.pk as
darf_verwalten %}``. An unknown predicate name fails the rendering (no silent False)."""

from django import template

from antraege import permissions
from antraege.roles import Akteur

register = template.Library()


def _akteur(request):
    # staff pages set ``request.akteur`` (its areas read once); other pages get one per request
    akteur = getattr(request, "akteur", None)
    if akteur is None:
        akteur = request.akteur = Akteur.from_request(request)
    return akteur


@register.simple_tag(takes_context=True)
def darf(context, predicate, objekt):
    return permissions.PREDICATES[predicate](_akteur(context["request"]), objekt)
