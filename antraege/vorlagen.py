"""Statements of the ORM compiled once per process and shape, then sent with each call's values.

Django builds and compiles a queryset anew on every call: for the public list's statement of its
funds' stored figures (a subquery) and the links of its rows to their fields of action 0.3–0.5 ms
each, several times what the database takes to answer them. The SQL text of a shape depends only
on the code and the database (vendor, alias), never on data, so keeping it for the life of the
process cannot go stale; the values still go as parameters, as Django sends them, and the
columns read get the converters the ORM would apply (JSON, dates, decimals on SQLite).
"""

from django.db import DEFAULT_DB_ALIAS, connections

# Placeholders for the values while the ORM compiles a shape: ``_PLATZHALTER``, one less, …; in
# the range of any integer column (Django drops a lookup of a value out of its column's range,
# even a positive small integer's), none of them a year; each must be found exactly once among
# the compiled parameters, else the shape is refused (a constant of the statement equal to one)
_PLATZHALTER = 32_767
# shapes kept per statement at most (a page's number of ids, say): beyond that each call compiles
_HOECHSTENS = 200


class Vorlage:
    """``bauen(form, platzhalter)``: the queryset (``values_list``) of one shape (``form``, any
    hashable) that uses each of ``platzhalter`` (integers, one per value) once as a parameter.
    Calling the template with ``form`` and the values returns the rows as lists of tuples, the
    same as ``list(bauen(form, werte))``."""

    def __init__(self, bauen):
        self.bauen = bauen
        self._je_form = {}

    def __call__(self, form, werte, *, using=DEFAULT_DB_ALIAS):
        connection = connections[using]
        schluessel = (using, connection.vendor, form, len(werte))
        uebersetzt = self._je_form.get(schluessel)
        if uebersetzt is None:
            uebersetzt = self._uebersetzen(form, len(werte), using)
            if len(self._je_form) < _HOECHSTENS:
                self._je_form[schluessel] = uebersetzt
        sql, params, stellen, umwandler = uebersetzt
        params = list(params)
        for stelle, index in stellen:
            # the type Django gave the placeholder (``Int2`` for a small integer column, say)
            typ = type(params[stelle])
            params[stelle] = werte[index] if typ is int else typ(werte[index])
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            zeilen = cursor.fetchall()
        if not umwandler:
            return zeilen
        return [self._umwandeln(zeile, umwandler, connection) for zeile in zeilen]

    def _uebersetzen(self, form, anzahl, using):
        platzhalter = [_PLATZHALTER - i for i in range(anzahl)]
        compiler = self.bauen(form, platzhalter).query.get_compiler(using)
        sql, params = compiler.as_sql()
        stellen = []
        for index, wert in enumerate(platzhalter):
            gefunden = [stelle for stelle, param in enumerate(params) if param == wert]
            if len(gefunden) != 1:
                raise ValueError(f"placeholder {index} is {len(gefunden)} times in {sql}")
            stellen.append((gefunden[0], index))
        umwandler = compiler.get_converters([spalte for spalte, _sql, _alias in compiler.select])
        return sql, tuple(params), tuple(stellen), tuple(umwandler.items())

    @staticmethod
    def _umwandeln(zeile, umwandler, connection):
        zeile = list(zeile)
        for stelle, (funktionen, ausdruck) in umwandler:
            wert = zeile[stelle]
            for funktion in funktionen:
                wert = funktion(wert, ausdruck, connection)
            zeile[stelle] = wert
        return tuple(zeile)
