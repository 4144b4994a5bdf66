"""E-mail: the outbox.

What the domain calls (``services``): ``queue(art, empfaenger=…, sprache=…, antrag=…, kontext=…,
dedupe_key=…)``, ``queue_for_applicant(antrag, art, …)`` and ``queue_for_qm_office(antrag, art, …)``
write a ``Benachrichtigung`` row in the caller's transaction; after the commit a Celery task sends
it. Templates live in ``templates/emails/<art>/`` (``betreff.txt``, ``text.txt``) inside
``emails/layout.html``.

Inside: ``models`` (the row), ``messages`` (rendering the e-mail of a row), ``outbox`` (claims per
execution, lease, back-off, marks: the guarantees of the README's "Why no e-mail is lost or sent
twice"), ``smtp`` (the kept connection and the wire form), ``tasks`` (send, sweep).
"""
