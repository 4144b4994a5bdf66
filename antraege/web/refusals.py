"""The one way a page answers a refusal (``antraege.refusals.Refused``), the same on every page.

- A refusal that means "not you" (``code="forbidden"``) is a 403: the error page shows the reason
  and what this person may do instead (``antraege.web.fehler.fehler_403``).
- Any other refusal is shown to the person acting: on the form it belongs to (its field, else the
  form), re-rendered with the entries kept and the status of ``refusal_status``; or, for a button
  without a form, as a message on the page the view redirects to.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from ..paginierung import PARAMETER, seite_query
from ..refusals import Refused

# HTTP status of a page re-rendered with a refusal: "not now" is a conflict, anything else a bad
# request. Forbidden never re-renders (see ``refusal_forbid``).
REFUSED_STATUS = {"forbidden": 403, "wrong_state": 409, "conflict": 409}


def refusal_status(refused):
    """The status a page re-rendered with ``refused`` answers with."""
    return 403 if refused.is_forbidden else REFUSED_STATUS.get(refused.code, 400)


def refusal_forbid(refused):
    """A forbidden refusal ends the request with 403 and its reason; any other returns."""
    if refused.is_forbidden:
        raise PermissionDenied(refused.message) from refused


def refusal_to_form(form, refused):
    """Put ``refused`` on ``form`` (its field if the form has it); returns the status to render with.

    Forbidden refusals raise ``PermissionDenied`` instead.
    """
    refusal_forbid(refused)
    field = refused.field if refused.field in form.fields else None
    form.add_error(field, refused.message)
    return refusal_status(refused)


def refusal_to_message(request, refused):
    """Show ``refused`` as an error message on the next page (the view redirects).

    Forbidden refusals raise ``PermissionDenied`` instead.
    """
    refusal_forbid(refused)
    messages.error(request, refused.message)


def form_submit(request, antrag, akteur, form, name, action, *, done, back, error_page, warn=None):
    """The one POST shape of a page with forms: a valid ``form`` runs ``action(cleaned_data)``;
    then the ``done`` message (a text, or a function of the action's result), the ``warn`` message
    if ``warn(result)`` gives one, and a redirect to ``back``. Otherwise
    ``error_page(request, antrag, akteur, name, form, status)``: the page again with the form's
    entries and errors (a refusal on the form, ``refusal_to_form``)."""
    status = 400
    if form.is_valid():
        try:
            result = action(form.cleaned_data)
        except Refused as refused:
            status = refusal_to_form(form, refused)
        else:
            messages.success(request, done(result) if callable(done) else done)
            warning = warn(result) if warn else None
            if warning:
                messages.warning(request, warning)
            return _zurueck(request, back, antrag)
    return error_page(request, antrag, akteur, name, form, status)


def _zurueck(request, back, antrag):
    """The page ``back`` of ``antrag``; the page of its list the form was on (``?seite=``)."""
    seite = request.GET.get(PARAMETER, "")
    return redirect(
        reverse(back, kwargs={"pk": antrag.pk}) + (seite_query(seite) if seite.isdigit() else "")
    )
