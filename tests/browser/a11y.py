"""Helpers of the real-browser suite: the list of pages, the axe-core scan and the keyboard checks.

Adding a page to every scan (axe × de/ar × 360/1280 px, reflow, keyboard) is one line in ``PAGES``.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]
AXE_JS = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"360": {"width": 360, "height": 800}, "1280": {"width": 1280, "height": 900}}


@dataclass(frozen=True)
class Page:
    """A page to check. ``path`` is a URL name (reversed), a path, or ``f(welt) -> path``.

    ``role``: "anonymous", "applicant" (holds the Mein-Antrag access of the resident's Anträge in
    ``welt``), "qm", "jury". ``staff``: German/English only, so Arabic falls back to German there
    (QM's pages; the jury's own pages are in all four languages).
    ``needs``: ``Welt`` data to create first, so that a list or overview page has rows to show.
    """

    name: str
    path: object
    role: str = "anonymous"
    staff: bool = False
    status: int = 200
    kwargs: dict = field(default_factory=dict)
    needs: tuple = ()

    def url(self, live_server_url, welt):
        for name in self.needs:
            getattr(welt, name)
        if callable(self.path):
            path = self.path(welt)
        elif self.path.startswith("/"):
            path = self.path
        else:
            path = reverse(self.path, kwargs=self.kwargs)
        return live_server_url + path


def _url(name, *args):
    return lambda welt: reverse(name, args=[arg(welt) if callable(arg) else arg for arg in args])


def _pk(attr):
    return lambda welt: getattr(welt, attr).pk


def _schritt(n):
    return _url("antraege:schritt", _pk("entwurf"), n)


# Every page of every role (data: ``Welt`` in conftest.py). Forms are scanned as they first appear;
# the error state of a form is scanned by the error-summary test of test_journeys.py.
PAGES = [
    # everyone
    Page("start", "start"),
    Page("leichte_sprache", "leichte_sprache"),
    Page("barrierefreiheit", "barrierefreiheit"),
    Page("datenschutz", "datenschutz"),
    Page("login", "login", staff=True),
    Page("gebiet_waehlen", "antraege:antrag_neu"),
    Page("schritt_1_neu", _url("antraege:antrag_start", lambda welt: welt.quartier.code)),
    Page("neuer_link", "antraege:neuer_link"),
    Page("link_ungueltig", "/mein-antrag/zugang/kein-gueltiger-link/", status=410),
    Page("gefoerderte", "gefoerderte", needs=("projekt",)),
    # error pages (the 500 page: test_a11y_pages.py)
    Page("fehler_404_resident", "/mein-antrag/987654/", status=404),
    Page("fehler_404", "/gibt-es-nicht/", status=404),
    # resident with the "Mein Antrag" session of their Anträge
    Page("schritt_1", _schritt(1), role="applicant"),
    Page("schritt_2", _schritt(2), role="applicant"),
    Page("schritt_3_kosten", _schritt(3), role="applicant"),
    Page("schritt_4_anhaenge", _schritt(4), role="applicant"),
    Page("schritt_5", _schritt(5), role="applicant"),
    Page("pruefen", _url("antraege:pruefen", _pk("entwurf")), role="applicant"),
    Page("gespeichert", _url("antraege:gespeichert", _pk("entwurf")), role="applicant"),
    Page("eingereicht", _url("antraege:eingereicht", _pk("in_pruefung")), role="applicant"),
    Page(
        "mein_antrag_liste",
        "antraege:mein_antrag_liste",
        role="applicant",
        needs=("entwurf", "in_pruefung", "projekt"),
    ),
    Page("mein_antrag", _url("antraege:mein_antrag", _pk("in_pruefung")), role="applicant"),
    Page("zurueckziehen", _url("antraege:zurueckziehen", _pk("in_pruefung")), role="applicant"),
    Page("mein_antrag_bewilligt", _url("antraege:mein_antrag", _pk("projekt")), role="applicant"),
    Page("mein_abrechnung", _url("abrechnung:mein_abrechnung", _pk("projekt")), role="applicant"),
    # QM staff
    Page(
        "qm_dashboard",
        "qm:dashboard",
        role="qm",
        staff=True,
        needs=("in_pruefung", "bei_jury", "abstimmung"),
    ),
    Page("qm_antrag", _url("qm:antrag_detail", _pk("in_pruefung")), role="qm", staff=True),
    Page(
        "qm_fondsbericht",
        _url("qm:fonds_bericht", _pk("fonds")),
        role="qm",
        staff=True,
        needs=("projekt",),
    ),
    Page("qm_buchhaltung", _url("qm:fonds_buchhaltung", _pk("fonds")), role="qm", staff=True),
    Page("qm_auskunft", "qm:auskunft", role="qm", staff=True),
    Page("qm_korrigieren", _url("qm:antrag_korrigieren", _pk("projekt")), role="qm", staff=True),
    Page("qm_antrag_jury", _url("qm:antrag_detail", _pk("bei_jury")), role="qm", staff=True),
    Page("qm_jury", "jury:qm_uebersicht", role="qm", staff=True, needs=("bei_jury", "abstimmung")),
    Page("qm_eroeffnen", _url("jury:qm_eroeffnen", _pk("bei_jury")), role="qm", staff=True),
    Page("qm_abstimmung", _url("jury:qm_abstimmung", _pk("abstimmung")), role="qm", staff=True),
    Page("qm_regeln", _url("jury:qm_regeln", _pk("quartier")), role="qm", staff=True),
    Page("qm_kostenarten", _url("qm:kostenarten", _pk("quartier")), role="qm", staff=True),
    Page("qm_sitzungen", "jury:qm_sitzungen", role="qm", staff=True, needs=("sitzung",)),
    Page("qm_tagesordnung", _url("jury:qm_tagesordnung", _pk("sitzung")), role="qm", staff=True),
    Page("qm_sitzungsmodus", _url("jury:qm_sitzungsmodus", _pk("sitzung")), role="qm", staff=True),
    Page(
        "qm_sitzungsmodus_punkt",
        _url("jury:qm_sitzungsmodus", _pk("sitzung_laufend")),
        role="qm",
        staff=True,
    ),
    Page(
        "qm_zusammensetzung",
        _url("jury:qm_zusammensetzung", _pk("quartier")),
        role="qm",
        staff=True,
    ),
    Page("qm_mitglied_neu", _url("jury:qm_mitglied_neu", _pk("quartier")), role="qm", staff=True),
    Page(
        "qm_mitglied_bearbeiten",
        _url("jury:qm_mitglied_bearbeiten", _pk("quartier"), _pk("jurymitglied")),
        role="qm",
        staff=True,
    ),
    Page(
        "qm_mitglied_beenden",
        _url("jury:qm_mitglied_beenden", _pk("quartier"), _pk("jurymitglied")),
        role="qm",
        staff=True,
    ),
    Page(
        "qm_abrechnung", _url("abrechnung:qm_abrechnung", _pk("abrechnung")), role="qm", staff=True
    ),
    # jury members
    Page("fehler_403_jury_auf_qm", "qm:dashboard", role="jury", staff=True, status=403),
    Page("jury_home", "jury:home", role="jury", needs=("abstimmung", "sitzung")),
    Page("jury_sitzung", _url("jury:sitzung", _pk("sitzung")), role="jury"),
    Page(
        "jury_sitzung_antrag",
        _url("jury:sitzung_antrag", _pk("sitzung"), _pk("sitzung_antrag")),
        role="jury",
    ),
    Page("kontosprache", "jury:kontosprache", role="jury"),
    Page("passwort_setzen", lambda welt: welt.einladung_pfad),
    Page("stimmzettel", _url("jury:abstimmung", _pk("abstimmung")), role="jury"),
    Page("befangenheit", _url("jury:befangenheit", _pk("abstimmung")), role="jury"),
    Page("vertreten", _url("jury:abstimmung_vertreten", _pk("abstimmung")), role="jury"),
]

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ") + "  " + (n.failureSummary || "").split("\\n").slice(1, 2).join(""))
  }));
}"""


def axe_violations(page):
    """Run axe-core in ``page`` (CSP stays on: ``evaluate`` is not an inline script) and return violations."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    return page.evaluate(AXE_RUN, AXE_TAGS)


def format_violations(violations):
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {target}" for target in v["targets"])
    return "\n".join(lines)


def assert_no_violations(violations, where=""):
    assert not violations, (
        f"axe-core found {len(violations)} violation(s) {where}:\n" + format_violations(violations)
    )


def horizontal_overflow(page):
    """How many CSS pixels the page is wider than the viewport (0 = no horizontal scrolling)."""
    return page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth"
    )


FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  const rect = el.getBoundingClientRect();
  return {
    key: el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " + (el.getAttribute("href") || el.getAttribute("name") || "")
         + " " + (el.value || el.textContent || "").trim().slice(0, 40),
    visible: outline || shadow,
    onScreen: rect.width > 0 && rect.height > 0,
  };
}"""

SAME_CONTROL_TABS = 8

# A group of radio buttons is one Tab stop (the arrow keys move within it), so it counts once.
TABBABLE_COUNT = """() => {
  const radioGroups = new Set();
  return [...document.querySelectorAll(
    'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'
  )].filter(el => el.getAttribute("tabindex") !== "-1")
    .filter(el => el.getClientRects().length > 0 || el.classList.contains("af-skip-link"))
    .filter(el => {
      if (el.type !== "radio") return true;
      const group = (el.form ? el.form.action : "") + "|" + el.name;
      if (radioGroups.has(group)) return false;
      radioGroups.add(group);
      return true;
    }).length;
}"""


def tab_through(page, *, limit=200):
    """Press Tab from the top of the page until focus leaves it; return the focus stops seen.

    Fails when an element gets focus without a visible indicator, or when focus never leaves the page
    (a keyboard trap). A date field takes several Tabs (day, month, year, calendar button): repeated
    focus on the same control is one stop, up to ``SAME_CONTROL_TABS`` presses.
    """
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    expected = page.evaluate(TABBABLE_COUNT)
    seen, repeats = [], 0
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None or (seen and state["key"] == seen[0]["key"]):
            break  # focus left the document or wrapped around: no trap
        assert state["visible"], f"focus not visible on {state['key']!r}"
        if seen and state["key"] == seen[-1]["key"]:
            repeats += 1
            assert repeats < SAME_CONTROL_TABS, f"keyboard trap in {state['key']!r}"
            continue
        repeats = 0
        seen.append(state)
        if len(seen) > expected + 5:
            break
    if state is not None and not (seen and state["key"] == seen[0]["key"]):
        raise AssertionError(
            f"keyboard trap? focus never left the page after {len(seen)} stops: {seen[-3:]}"
        )
    assert len(seen) >= expected, (
        f"only {len(seen)} of {expected} focusable elements reached by Tab"
    )
    return seen
