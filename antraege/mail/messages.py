"""The e-mails of outbox rows: rendered in the row's language from ``templates/emails/<art>/``.

``messages_build`` renders a batch: templates are looked up once per kind, the language switched
once per language, and rows of one kind, language, Antrag and context that go to several people
(the papers to every jury member) are rendered once with a stand-in for the personal link, which
is put in per recipient. What is the same for many e-mails of a batch is made once (``Stapel``):
the footer (``emails/_footer.txt``: the office, its address, the privacy notice) per area and
language, and the link's address around its token. How the e-mails reach the mail server is
``outbox``'s and ``smtp``'s.
"""

import functools
import json
import re
import secrets
from collections import Counter
from email.utils import parseaddr
from itertools import groupby
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import engines
from django.template.loader import get_template
from django.utils import formats, translation
from django.utils.html import escape

from ..models import Dokument
from ..zugang.links import antrag_link_token, antrag_link_url
from .kontext import kontext_load


def message_id(row):
    """The ``Message-ID`` of a row: the same for every attempt, so a duplicate folds in mail clients."""
    domain = _domain(settings.DEFAULT_FROM_EMAIL)
    stamp = int(row.erstellt_am.timestamp() * 1_000_000) if row.erstellt_am else 0
    return f"<benachrichtigung.{row.pk}.{stamp}@{domain}>"


@functools.lru_cache(maxsize=8)
def _domain(from_email):
    return parseaddr(from_email)[1].rpartition("@")[2] or "aktionsfonds.local"


def render(row):
    """Subject, text and HTML of one notification, rendered in its language."""
    with translation.override(row.sprache):
        return _render(row, _templates(row.art))


def render_for_post(row):
    """Subject and text of a letter by post (``kanal="post"``): a letter cannot carry a link to
    click, so the personal link is replaced by the access code page, the reference and the code
    (``zugang.links.antrag_zugangscode``)."""
    from django.urls import reverse

    from ..zugang.links import antrag_zugangscode

    with translation.override(row.sprache):
        subject, text, _html = _render(row, _templates(row.art), link_token=_LINK_PLATZHALTER)
        if row.antrag_id:
            antrag = row.antrag
            ersatz = translation.gettext(
                "%(url)s – Aktenzeichen %(referenz)s, Zugangscode %(code)s"
            ) % {
                "url": settings.SITE_URL + reverse("antraege:zugangscode"),
                "referenz": antrag.referenz,
                "code": antrag_zugangscode(antrag),
            }
            text = text.replace(antrag_link_url(antrag, token=_LINK_PLATZHALTER), ersatz)
    return subject, text


def _templates(art):
    return (
        get_template(f"emails/{art}/betreff.txt"),
        get_template(f"emails/{art}/text.txt"),
        get_template("emails/layout.html"),
    )


def vorwaermen():
    """Load what the first e-mail in each language would otherwise load on the sending path:
    the language's catalogues and its date format module (``translation.override``,
    ``formats``) and every e-mail template, compiled and kept by the engine's cached loader.
    Called as a worker process starts (``tasks``): in a fresh worker the first e-mail in each
    language cost ~10 ms more than the next (bench/load.py, round 1), the templates ~20 ms
    together. Returns how many templates it loaded."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            formats.get_format("DATE_FORMAT")
    names = {
        path.relative_to(root).as_posix()
        for root in map(Path, engines["django"].template_dirs)
        for path in (root / "emails").rglob("*")
        if path.is_file() and not path.name.startswith(".")
    }
    for name in sorted(names):
        get_template(name)
    return len(names)


class Stapel:
    """What the e-mails of one batch share, made once: the footer per area and language, the
    personal link's address around its token, and the HTML layout per language."""

    def __init__(self):
        self.fusszeilen = {}
        self.link_vorlage = None
        self.layouts = {}

    def html(self, layout, *, subject, text, sprache):
        """``emails/layout.html`` of an e-mail: the layout rendered once per language (``_Layout``)
        with this e-mail's subject and paragraphs put in; rendered whole where it does not fit."""
        # the engine's template, which its cached loader keeps (each ``get_template`` wraps it anew)
        key = (id(getattr(layout, "template", layout)), sprache)
        if key not in self.layouts:
            self.layouts[key] = _Layout(layout, sprache)
        form = self.layouts[key]
        if form.pieces is None:
            return layout.render({"text": text, "subject": subject, "sprache": sprache})
        return form.html(subject, text)

    def fusszeile(self, quartier):
        """``emails/_footer.txt`` for ``quartier`` (None: no area) in the active language."""
        key = (getattr(quartier, "pk", None), translation.get_language())
        if key not in self.fusszeilen:
            self.fusszeilen[key] = get_template("emails/_footer.txt").render(
                {"quartier": quartier, "site_url": settings.SITE_URL}
            )
        return self.fusszeilen[key]

    def link(self, antrag, *, email, token=None):
        """``antrag_link_url``: the address is made once, each e-mail's token put in."""
        if self.link_vorlage is None:
            self.link_vorlage = antrag_link_url(antrag, token=_LINK_PLATZHALTER)
        token = token or antrag_link_token(antrag, email=email)
        return self.link_vorlage.replace(_LINK_PLATZHALTER, token)


def _render(row, templates, *, link_token=None, stapel=None):
    """``(subject, text, html)`` of ``row``; ``link_token`` stands in for the row's own link token
    (``messages_build`` renders once for many recipients and puts each one's token in after);
    ``stapel``: what the batch made once already."""
    return _zu_ende(_render_schritte(row, templates, link_token=link_token, stapel=stapel))


def _zu_ende(schritte):
    """The result of a generator of steps (``_render_schritte``), its steps done at once."""
    while True:
        try:
            next(schritte)
        except StopIteration as ende:
            return ende.value


def _render_schritte(row, templates, *, link_token=None, stapel=None):
    """``_render`` in three steps, a ``None`` yielded after each of the first two (the sender
    makes one step of the next e-mail while the mail server answers a command); returns
    ``(subject, text, html)``."""
    stapel = stapel or Stapel()
    betreff, text_template, layout = templates
    antrag = row.antrag if row.antrag_id else None
    context = {
        "antrag": antrag,
        "kontext": kontext_load(row.kontext),
        "site_url": settings.SITE_URL,
    }
    if antrag is not None:
        # The link names the address it goes to: opening it confirms that address.
        context["link"] = stapel.link(antrag, email=row.empfaenger, token=link_token)
        context["quartier"] = antrag.fonds.quartier
    context["fusszeile"] = stapel.fusszeile(context.get("quartier"))
    subject = " ".join(betreff.render(context).split())
    yield
    text = text_template.render(context)
    yield
    html = stapel.html(layout, subject=subject, text=_absaetze(text), sprache=row.sprache)
    return betreff_mit_referenz(subject, antrag), text, html


def _absaetze(text):
    """The text part for the HTML part's paragraphs: no line of blanks only and no run of empty
    lines (each made an empty ``<p></p>``)."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


# Stand-ins for the subject and the text in the layout rendered once (random per process, so no
# text contains them; letters and digits pass escaping and ``eigene_links`` unchanged).
_LAYOUT_BETREFF = f"betreffplatzhalter{secrets.token_hex(16)}"
_LAYOUT_TEXT = f"textplatzhalter{secrets.token_hex(16)}"


def _absaetze_html(text):
    """The text's paragraphs as the layout makes them: ``{{ text|eigene_links|absaetze }}``
    (the template library's own filters: the layer of templates is above this one)."""
    filters = engines["django"].engine.template_libraries["mail_links"].filters
    return filters["absaetze"](filters["eigene_links"](text))


class _Layout:
    """``emails/layout.html`` in one language, rendered with stand-ins for subject and text and
    cut there. ``pieces`` is None unless the layout shows the subject only escaped and the text
    only as ``_absaetze_html`` makes it, each once, and nothing else of them: a second rendering
    with a subject and text of markup, quotes, case, line breaks and a link must be the pieces
    with those put in (else each e-mail renders the layout whole). The layout sees ``sprache``,
    ``subject`` and ``text``, nothing else of the e-mail."""

    def __init__(self, layout, sprache):
        def render(subject, text):
            return layout.render({"text": text, "subject": subject, "sprache": sprache})

        rendered, text = render(_LAYOUT_BETREFF, _LAYOUT_TEXT), _absaetze_html(_LAYOUT_TEXT)
        self.layout = layout  # kept: its id is the key in ``Stapel.layouts``
        self.pieces = None
        if rendered.count(_LAYOUT_BETREFF) != 1 or rendered.count(text) != 1:
            return
        pattern = "(" + re.escape(_LAYOUT_BETREFF) + "|" + re.escape(text) + ")"
        pieces = [_LAYOUT_TEXT if p == text else p for p in re.split(pattern, rendered)]
        subject = f"Probe <b>&amp; \"Ä\" 'x' {_LAYOUT_BETREFF}"
        text = f'Zeile <a>\n{settings.SITE_URL}/pfad/.\n\nZweite & "ü" {_LAYOUT_TEXT}'
        if self._fill(pieces, subject, text) == render(subject, text):
            self.pieces = pieces

    def html(self, subject, text):
        return self._fill(self.pieces, subject, text)

    @staticmethod
    def _fill(pieces, subject, text):
        values = {_LAYOUT_BETREFF: escape(subject), _LAYOUT_TEXT: _absaetze_html(text)}
        return "".join(values.get(piece, piece) for piece in pieces)


def betreff_mit_referenz(subject, antrag):
    """Every e-mail about an Antrag names its reference in the subject (applicants and QM file by it)."""
    if antrag is not None and antrag.referenz and antrag.referenz not in subject:
        return f"{subject} ({antrag.referenz})"
    return subject


def absender_for(row):
    """``(From, [Reply-To])`` of ``row``: an e-mail about an Antrag comes in the name of its
    area's QM office (our sending address, the office's name) and answers go to the office, whose
    address the footer gives; other e-mails come from ``DEFAULT_FROM_EMAIL`` without Reply-To."""
    if not row.antrag_id:
        return settings.DEFAULT_FROM_EMAIL, []
    quartier = row.antrag.fonds.quartier
    from_email, reply_to = _absender(
        settings.DEFAULT_FROM_EMAIL, quartier.qm_buero_name, quartier.qm_email
    )
    return from_email, list(reply_to)


@functools.lru_cache(maxsize=256)
def _absender(default_from, buero_name, buero_email):
    """``absender_for`` of an area's office, made once per office (the batch's e-mails share it)."""
    adresse = parseaddr(default_from)[1] or default_from
    from_email = f"{_quoted(buero_name)} <{adresse}>" if buero_name else adresse
    if not buero_email:
        return from_email, ()
    return from_email, (f"{_quoted(buero_name)} <{buero_email}>",)


def _quoted(name):
    """A display name as an RFC 5322 quoted string (a comma or dot in an office's name)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def message_build(row, rendered):
    """The e-mail of ``row`` from its rendered ``(subject, text, html)``, attachments included."""
    subject, text, html = rendered
    from_email, reply_to = absender_for(row)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email,
        to=[row.empfaenger],
        reply_to=reply_to,
        headers={"Content-Language": row.sprache, "Message-ID": message_id(row)},
    )
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments_for(row):
        message.attach(name, content, mimetype)
    return message


# Attachments another app makes: ``{kontext key: function(row) -> [(filename, bytes, mimetype)]}``,
# registered at start-up (the jury's papers PDF, ``jury.apps``); called only where the e-mail is
# built (the worker), so a function may render what is not made yet.
ANHANG_QUELLEN = {}


def anhang_quelle_register(key, quelle):
    """Attach what ``quelle(row)`` returns to every e-mail whose context has ``key``."""
    ANHANG_QUELLEN[key] = quelle


def attachments_for(row):
    """Files that go with a notification: ``kontext["dokumente"]`` names stored documents.

    Only documents of the notification's own Antrag: ``[(filename, bytes, mimetype)]``. Small
    text attachments made when the row was queued (a calendar invitation) travel in the row
    itself: ``kontext["inline_anhaenge"] = [[filename, mimetype, text]]``.
    """
    result = [
        (name, text.encode("utf-8"), mimetype)
        for name, mimetype, text in row.kontext.get("inline_anhaenge") or []
    ]
    for key, quelle in ANHANG_QUELLEN.items():
        if key in row.kontext:
            result.extend(quelle(row))
    ids = row.kontext.get("dokumente") or []
    if not ids or not row.antrag_id:
        return result
    for dokument in Dokument.objects.filter(pk__in=ids, antrag_id=row.antrag_id).select_related(
        "antrag"
    ):
        with dokument.datei.open("rb") as handle:
            result.append((dokument.dateiname, handle.read(), "application/pdf"))
    return result


# The stand-in for the personal link in a rendering shared by several recipients: random per
# process, so no text typed by a user contains it; hex digits pass every filter (escaping,
# eigene_links) unchanged, as do the link token's characters.
_LINK_PLATZHALTER = f"linkplatzhalter{secrets.token_hex(16)}"


class Rendering:
    """One rendering of a kind, language, Antrag and context, shared by its recipients.

    ``parts`` is ``(subject, text, html)`` with ``_LINK_PLATZHALTER`` for the link token;
    ``parts_for(token)`` puts a recipient's token in.
    """

    def __init__(self, parts):
        self.parts = parts

    def parts_for(self, token):
        if token is None:
            return self.parts
        return tuple(part.replace(_LINK_PLATZHALTER, token) for part in self.parts)


def _key(row):
    return (
        row.sprache,
        row.art,
        row.antrag_id,
        json.dumps(row.kontext, sort_keys=True, default=str),
    )


def _message_for(row, templates, shared, renderings, stapel):
    """The e-mail of ``row`` (a generator of steps, ``_render_schritte``). A row whose kind,
    language, Antrag and context other rows of the batch share (``shared``) gets the one
    rendering of them with its own link token, recipient and Message-ID; any other row is
    rendered for itself alone."""
    key = _key(row)
    if not shared[key] > 1:
        return message_build(row, (yield from _render_schritte(row, templates, stapel=stapel)))
    if key not in renderings:
        parts = yield from _render_schritte(
            row, templates, link_token=_LINK_PLATZHALTER, stapel=stapel
        )
        renderings[key] = Rendering(parts)
    rendering = renderings[key]
    token = antrag_link_token(row.antrag, email=row.empfaenger) if row.antrag_id else None
    return message_build(row, rendering.parts_for(token))


def messages_build(rows):
    """``[(row, message or the exception that stopped it)]`` in the order of ``rows`` (sorted by
    language and kind); see the module's docstring."""
    return list(messages_iter(rows))


def messages_iter(rows, *, stapel=None):
    """``messages_build`` one e-mail at a time (the sender may send one while the next is made);
    ``stapel``: what the batches before made once already (a new one if None)."""
    for item in messages_schritte(rows, stapel=stapel):
        if item is not None:
            yield item


def messages_schritte(rows, *, stapel=None):
    """``messages_iter`` in steps: a ``None`` after each step of making an e-mail that did not
    finish it (``_render_schritte``), so the sender makes one step of the next e-mail while the
    mail server answers each command of the one before."""
    rows = list(rows)
    shared = Counter(_key(row) for row in rows)
    stapel = stapel or Stapel()
    for (sprache, art), group in groupby(rows, key=lambda row: (row.sprache, row.art)):
        with translation.override(sprache):
            try:
                templates = _templates(art)
            except Exception as error:  # noqa: BLE001 - a missing template fails these rows only
                for row in group:
                    yield row, error
                continue
            renderings = {}
            for row in group:
                try:
                    message = yield from _message_for(row, templates, shared, renderings, stapel)
                except Exception as error:  # noqa: BLE001 - recorded on the row, retried
                    message = error
                yield row, message
