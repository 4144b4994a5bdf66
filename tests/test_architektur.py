"""The shape of the code (docs/architecture.md): no import cycles between modules, imports inside
functions included (the import contracts only see sibling packages), and no private name imported
from another module."""

import ast
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("aktionsfonds", "antraege", "jury", "workflow")


def _zyklen(graph):
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))
    return result


def test_no_import_cycle_between_modules_even_inside_functions():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    assert _zyklen(graph) == []


def test_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for importer, imported in (("a.x", "a.y"), ("a.y", "a.z"), ("a.z", "a.x"), ("a.z", "a.w")):
        graph.add_import(importer=importer, imported=imported)
    assert _zyklen(graph) == [["a.x", "a.y", "a.z"]]


def test_no_private_name_imported_from_another_module():
    imported = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom):
                    imported += [
                        f"{path.relative_to(ROOT)}:{node.lineno} {alias.name}"
                        for alias in node.names
                        if alias.name.startswith("_") and alias.name != "_"
                    ]
    assert imported == []


# The longest a function of app code may be, from its ``def`` line to its last line (docstring
# included; migrations are generated and left out): a longer one is split into named steps.
LAENGSTE_FUNKTION = 50


def _funktionen(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node.lineno, node.end_lineno - node.lineno + 1


def test_no_function_longer_than_fifty_lines():
    zu_lang = [
        f"{path.relative_to(ROOT)}:{zeile} {name} ({laenge} lines)"
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for name, zeile, laenge in _funktionen(path)
        if laenge > LAENGSTE_FUNKTION
    ]
    assert zu_lang == []


def test_each_group_of_states_has_one_name():
    """Two names for one set of states read as two meanings (docs/glossary.md, States)."""
    from antraege import states

    namen = {}
    for name, wert in vars(states).items():
        if name.endswith("_STATES"):
            namen.setdefault(frozenset(wert), []).append(name)
    assert [gruppe for gruppe in namen.values() if len(gruppe) > 1] == []


# Where a fixed German date pattern is right: the form's accepted input, the operator's German
# console output, a model's ``__str__`` for the admin, and the dashboard rows' twin of their
# template (``d.m.Y`` on the staff page).
FESTES_DATUM_ERLAUBT = {
    "antraege/antrag/forms/antrag.py",
    "antraege/management/commands/aufbewahrung.py",
    "jury/sitzungen/models.py",
    "antraege/web/dashboard_zeilen.py",
}


def test_dates_for_readers_are_formatted_in_their_language_not_with_a_fixed_pattern():
    """E-mails get date objects (``antraege/mail/kontext.py``), notes and messages
    ``formats.date_format``: no ``%d.%m.%Y`` anywhere else (docs/decisions.md, Dates)."""
    fest = [
        str(path.relative_to(ROOT))
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts and "%d.%m.%Y" in path.read_text()
    ]
    assert sorted(set(fest) - FESTES_DATUM_ERLAUBT) == []
    # and the list names no file that is gone or no longer needs the exception
    assert sorted(FESTES_DATUM_ERLAUBT - set(fest)) == []


def test_no_view_marks_a_string_safe():
    """HTML written from data lives in one named module (``antraege.web.dashboard_zeilen``, equal
    to its template by test) or in a template tag, never in a view."""
    views = [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if "views" in path.parts or path.stem == "views"
    ]
    assert views
    assert [str(p.relative_to(ROOT)) for p in views if "mark_safe" in p.read_text()] == []


def test_pages_ask_roles_through_the_permissions_module():
    """A view's condition never reads an account's roles itself (``qm_quartier_ids``,
    ``is_admin``, ``is_superuser``): it asks ``antraege.permissions`` (``is_qm_staff_anywhere``,
    ``is_admin``, ``is_staff``, a ``may_…`` predicate)."""
    rollen = {"qm_quartier_ids", "is_admin", "is_superuser"}
    gefunden = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if not ("views" in path.parts or path.stem in {"views", "qm", "anmeldung"}):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.If | ast.IfExp | ast.While):
                    bedingung = node.test
                elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
                    bedingung = node.operand
                else:
                    continue
                gefunden += [
                    f"{path.relative_to(ROOT)}:{node.lineno} {teil.attr}"
                    for teil in ast.walk(bedingung)
                    if isinstance(teil, ast.Attribute)
                    and teil.attr in rollen
                    and not (isinstance(teil.value, ast.Name) and teil.value.id == "permissions")
                ]
    assert gefunden == []


def test_every_model_of_the_domain_is_in_the_glossary():
    """docs/glossary.md names each German domain noun the code has a model for."""
    from django.apps import apps

    glossar = (ROOT / "docs" / "glossary.md").read_text()
    fehlend = sorted(
        model.__name__
        for model in apps.get_models()
        if model._meta.app_label in {"antraege", "jury"} and f"`{model.__name__}`" not in glossar
    )
    assert fehlend == []
