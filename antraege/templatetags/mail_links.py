"""Template filter for the HTML part of e-mails: our own links become clickable, nothing else.

The text is escaped first (everything a user typed is hostile); only addresses that start with
``SITE_URL`` become ``<a>`` elements. A web address an applicant typed into a title stays text, so
an e-mail can never carry a clickable link to a stranger's site.
"""

import re

from django import template
from django.conf import settings
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe

register = template.Library()

TRAILING = '.,;:!?)»“"'


@register.filter(is_safe=True)
def eigene_links(text):
    """Escape ``text`` and turn every address on this site into a link."""
    escaped = str(escape(text))
    site = str(escape(settings.SITE_URL.rstrip("/")))
    pattern = re.compile(re.escape(site) + r"(?:/[^\s<>\"']*)?")

    def link(match):
        url = match.group(0)
        rest = ""
        while url and url[-1] in TRAILING:
            url, rest = url[:-1], url[-1] + rest
        return f'<a href="{url}">{url}</a>{rest}'

    return mark_safe(pattern.sub(link, escaped))  # noqa: S308 - escaped above


@register.filter(is_safe=True)
def absaetze(html):
    """``linebreaks`` with one paragraph a line: the HTML part of an e-mail in fewer, shorter lines
    (a mail server reads it line by line). ``html`` is escaped already (``eigene_links``)."""
    return mark_safe(linebreaks(html).replace("</p>\n\n<p>", "</p>\n<p>"))  # noqa: S308
