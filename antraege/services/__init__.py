"""E-mail of Anträge (``notifications``, ``outbox``), until it moves to ``antraege.mail``.

The rules of each subdomain live in its package (``antraege.antrag.services``, ``antraege.geld.services``, …).
"""
