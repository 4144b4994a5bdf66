"""Layout defects axe does not see: text squeezed into a sliver, check boxes drawn as radio
buttons, a mirrored row that is not mirrored. The resident form in German, Turkish and Arabic at
360, 768 and 1280 px, QM's page that appoints a jury member (the 16+ confirmation with its hint),
and every page of every role (a11y.PAGES) in German and Arabic. Each page is loaded once and
looked at in each width (the layout reflows)."""

import pytest

from .a11y import PAGES

pytestmark = pytest.mark.django_db(transaction=True)

# Every text node in an element narrower than 60 px that wraps onto more than one line. Visually
# hidden texts (1 px wide, clipped) are read, not seen, and are left out.
SQUEEZED = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.width >= 60) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (lines.size > 1) {
      found.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}.${el.className}: `
                 + `${Math.round(box.width)} px wide, ${lines.size} lines: ${node.textContent.trim().slice(0, 40)}`);
    }
  }
  return found;
}"""

# Each check box as it is drawn: its KERN class, its corner radius (a radio button is a circle),
# and on which side of its label it stands (the start side: left in LTR, right in RTL).
CHECKBOXES = """() => [...document.querySelectorAll('input[type=checkbox]')].map(input => {
  const label = document.querySelector(`label[for="${input.id}"]`);
  const box = input.getBoundingClientRect(), text = label && label.getBoundingClientRect();
  const gap = !text ? null
    : document.dir === "rtl" ? box.left - text.right + parseFloat(getComputedStyle(label).paddingRight)
    : text.left - box.right + parseFloat(getComputedStyle(label).paddingLeft);
  return {
    id: input.id,
    css: input.className,
    radius: getComputedStyle(input).borderTopLeftRadius,
    width: Math.round(box.width),
    gap: gap,
    start: !text ? null : (document.dir === "rtl" ? box.left > text.left : box.left < text.left),
  };
})"""

RESIDENT_PAGES = [
    spec
    for spec in PAGES
    if spec.name
    in ("schritt_1_neu", "schritt_1", "schritt_2", "schritt_3_kosten", "schritt_4_anhaenge")
    + ("schritt_5", "pruefen")
]


# Phone, tablet, desktop: the widths the issue found the squeezed hint at.
WIDTHS = (360, 768, 1280)


def assert_layout_sound_at_every_width(page, where):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_layout_sound(page, f"{where} at {width} px")


def assert_layout_sound(page, where):
    squeezed = page.evaluate(SQUEEZED)
    assert squeezed == [], f"text squeezed into a sliver on {where}:\n" + "\n".join(squeezed)
    for box in page.evaluate(CHECKBOXES):
        assert "kern-form-check__checkbox" in box["css"].split(), f"{box['id']} on {where}"
        assert "kern-form-check__radio" not in box["css"].split(), f"{box['id']} on {where}"
        assert box["radius"] != "50%" and not box["radius"].startswith("16"), (
            f"{box['id']} drawn round ({box['radius']}) on {where}"
        )
        if box["start"] is not None:
            assert box["start"], f"{box['id']} not on the start side of its label on {where}"
            assert box["gap"] >= 8, f"{box['id']} touches its label ({box['gap']} px) on {where}"


@pytest.mark.parametrize("language", ["de", "tr", "ar"])
def test_resident_form_at_every_width_has_no_squeezed_text_and_real_check_boxes(
    open_page, language
):
    checkboxes_seen = 0
    for spec in RESIDENT_PAGES:
        page = open_page(spec, language=language, viewport="360")
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        assert_layout_sound_at_every_width(page, f"{spec.name} ({language})")
        checkboxes_seen += page.locator("input[type=checkbox]").count()
        if spec.name == "schritt_1_neu":
            # The same step with its errors: each error and hint below its check box.
            with page.expect_navigation():
                page.locator(".af-actions button[value=weiter]").click()
            assert page.locator("#fehler-zusammenfassung").count() == 1
            assert_layout_sound_at_every_width(page, f"{spec.name} with errors ({language})")
        page.close()
    # Step 1's confirmations, step 2's fields of action (several may be chosen), step 5's declarations.
    assert checkboxes_seen >= 5


def test_multi_choice_fields_of_action_are_check_boxes(open_page):
    spec = next(spec for spec in PAGES if spec.name == "schritt_2")
    page = open_page(spec, language="de", viewport="360")

    boxes = page.locator("input[name=handlungsfelder]")
    assert boxes.count() >= 1
    assert {boxes.nth(i).get_attribute("type") for i in range(boxes.count())} == {"checkbox"}
    assert_layout_sound(page, "schritt_2")


def test_appointing_a_jury_member_shows_the_16_plus_hint_below_its_label(open_page):
    spec = next(spec for spec in PAGES if spec.name == "qm_mitglied_neu")
    page = open_page(spec, language="de", viewport="1280")

    assert_layout_sound_at_every_width(page, "qm_mitglied_neu")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    assert page.locator("#fehler-zusammenfassung").count() == 1
    assert_layout_sound_at_every_width(page, "qm_mitglied_neu with errors")


@pytest.mark.parametrize("language", ["de", "ar"])
def test_every_page_at_every_width_has_no_squeezed_text_and_real_check_boxes(open_page, language):
    """Every page of every role (a11y.PAGES), as it first appears; Arabic for RTL (staff pages
    fall back to German)."""
    found = []
    for spec in PAGES:
        page = open_page(spec, language=language, viewport="1280")
        try:
            assert_layout_sound_at_every_width(page, f"{spec.name} ({language})")
        except AssertionError as error:
            found.append(
                str(error).splitlines()[0] + "\n" + "\n".join(str(error).splitlines()[1:4])
            )
        finally:
            page.close()

    assert found == [], "\n".join(found)
