"""The shared PDF renderer: text survives, remote and local files are never fetched."""

import pytest

from antraege.dokumente.pdf import (
    ForbiddenResource,
    html_to_pdf,
    pdf_text,
    render_pdf,
    safe_url_fetcher,
)


def test_pdf_holds_the_text_with_umlauts_and_euro():
    data = render_pdf(
        "pdf/_smoke.html", {"titel": "Bewilligung", "text": "Größe 1.500,00 € für Ümit", "bild": ""}
    )

    assert data.startswith(b"%PDF-")
    assert "Größe 1.500,00 € für Ümit" in pdf_text(data)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "https://example.org/x.png", "http://127.0.0.1/"]
)
def test_fetcher_refuses_remote_and_local_files(url):
    with pytest.raises(ForbiddenResource):
        safe_url_fetcher().fetch(url)


def test_applicant_text_cannot_pull_in_a_file():
    data = render_pdf(
        "pdf/_smoke.html",
        {"titel": "T", "text": '<img src="file:///etc/passwd">', "bild": "file:///etc/passwd"},
    )

    assert "root:" not in pdf_text(data)
    assert '<img src="file:///etc/passwd">' in pdf_text(data)


def test_the_collector_paused_for_a_render_runs_again_after_it_even_after_a_failure():
    import gc

    from antraege.dokumente.pdf import sammler_pausiert

    with sammler_pausiert():
        assert not gc.isenabled()
        html_to_pdf("<p>Hallo</p>")
    assert gc.isenabled()
    with pytest.raises(ValueError), sammler_pausiert():
        raise ValueError
    assert gc.isenabled()
    gc.disable()  # a caller that paused it itself gets it back paused
    try:
        with sammler_pausiert():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
