"""Template helpers for letters (``templates/pdf/``): words that must not break, sentence ends."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def nw(value):
    """``value`` on one line: a reference, an e-mail address or an IBAN is never split."""
    if value in (None, ""):
        return ""
    return format_html('<span class="nw">{}</span>', value)


@register.filter
def satz(value):
    """``value`` closing a sentence: a full stop unless it ends with one already ("B.A.")."""
    text = str(value or "").rstrip()
    if text.endswith((".", "!", "?", "…")):
        return text
    return f"{text}."


# In free text (a postal letter made from an e-mail): references, e-mail addresses and links.
UNTEILBAR = re.compile(r"\b[A-Z]{2}-\d{4}-[A-Z0-9]+-\d+\b|\S+@\S+\.\w+|https?://\S+")


@register.filter
def nw_text(value):
    """``value`` escaped, its references, e-mail addresses and links each kept on one line."""
    text = str(value or "")
    teile, start = [], 0
    for treffer in UNTEILBAR.finditer(text):
        teile.append(escape(text[start : treffer.start()]))
        teile.append(format_html('<span class="nw">{}</span>', treffer.group()))
        start = treffer.end()
    teile.append(escape(text[start:]))
    return mark_safe("".join(teile))  # noqa: S308 - every part is escaped above
