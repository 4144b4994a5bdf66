"""PDF rendering with WeasyPrint, shared by letters and minutes.

Rendered in Celery tasks, never in the web request. WeasyPrint is imported here only, lazily, so the
web process does not pay for it. Its URL fetcher reads only our static files and ``data:`` URLs: a
letter never fetches a remote resource or an arbitrary local file, whatever the applicant typed.
"""

import contextlib
import functools
import gc
import mimetypes
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

from aktionsfonds.metrics import PDF_RENDER_SECONDS


class ForbiddenResource(ValueError):
    pass


def _static_path(url):
    prefix = "static:///"
    if url.startswith(prefix):
        return finders.find(url[len(prefix) :])
    return None


def _safe_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeURLFetcher(URLFetcher):
        """Allow ``data:`` and ``static:///<path>`` (our static files); refuse everything else."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = _static_path(url)
            if path:
                mime, _ = mimetypes.guess_type(path)
                return URLFetcherResponse(
                    url,
                    Path(path).read_bytes(),
                    {"Content-Type": mime or "application/octet-stream"},
                )
            raise ForbiddenResource(f"resource not allowed in a PDF: {url[:80]}")

    return SafeURLFetcher


@functools.cache
def safe_url_fetcher():
    """The one fetcher instance every PDF uses."""
    return _safe_fetcher_class()(allowed_protocols=("data", "static"))


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.lru_cache(maxsize=8)
def stylesheet(css):
    """The stylesheet ``css`` parsed once per process, for every PDF that shares it (each letter
    would otherwise parse the same ``<style>`` again)."""
    from weasyprint import CSS

    return CSS(
        string=css,
        base_url="static:///",
        url_fetcher=safe_url_fetcher(),
        font_config=_font_config(),
    )


def html_to_pdf(html, *, variant="pdf/ua-1", stylesheets=None):
    """Turn already rendered HTML into PDF bytes (tagged, accessible by default), with the
    parsed ``stylesheets`` (from ``stylesheet``) besides the HTML's own."""
    from weasyprint import HTML

    with PDF_RENDER_SECONDS.time():
        document = HTML(string=html, base_url="static:///", url_fetcher=safe_url_fetcher())
        return document.write_pdf(
            pdf_variant=variant, font_config=_font_config(), stylesheets=stylesheets
        )


@contextlib.contextmanager
def sammler_pausiert():
    """Python's cyclic garbage collector paused for one render. WeasyPrint's boxes live for the
    whole render, and every collection during it walks all of them again: in a worker's heap a
    fifth of a letter's time. Reference counting frees memory as always; what is left in cycles
    is collected after the render (for a batch: between two letters, not at the end)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def render_pdf(template_name, context, *, language="de", variant="pdf/ua-1"):
    """Render ``template_name`` under ``language`` and return the PDF as bytes."""
    with translation.override(language):
        html = render_to_string(template_name, context)
    return html_to_pdf(html, variant=variant)


def pdf_text(data):
    """The text of a PDF, whitespace normalised (for tests and checks)."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
