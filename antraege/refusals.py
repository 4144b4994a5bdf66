"""The one way to refuse: every refused action raises a subclass of ``Refused`` and changes nothing.

A refusal carries a ``message`` for the person acting (in their language), a ``code`` that says why
(``forbidden``, ``wrong_state``, ``conflict``, ``invalid``, …) and, where the refusal is about one
entry of a form, the ``field``. Views turn it into a response in one place
(``antraege.web.refusals.refusal_respond``); subclasses are named ``<Noun>Refused``.
"""


class Refused(Exception):
    """An action that is not allowed; nothing was changed."""

    default_code = "refused"

    def __init__(self, message, code=None, *, field=None):
        super().__init__(message)
        self.message = str(message)
        self.code = code or self.default_code
        self.field = field

    def __str__(self):
        return self.message

    @property
    def is_forbidden(self):
        """The person may not do this at all (a 403), as opposed to "not now" or "not like this"."""
        return self.code in FORBIDDEN_CODES


# Codes that mean "not you": pages answer them with 403. ``biased``: a jury member with a conflict;
# ``closed``: the vote is closed to its voters (a closed *meeting* is ``wrong_state``).
FORBIDDEN_CODES = frozenset({"forbidden", "biased", "closed"})


class BetragRefused(Refused):
    """An amount of money that cannot be taken (not a number, not positive, too large)."""

    default_code = "invalid"
