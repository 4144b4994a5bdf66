"""The Antrag itself: the resident's form, "Mein Antrag", QM's review and dashboard, the cost
plan (Kostenposition), the timeline (Statuswechsel) and the attachments (Anhang).

A subdomain package: ``models``, ``services``, ``selectors``, ``forms``, ``views`` and the URL confs
(``urls`` for residents, ``urls_qm`` for QM); a layer with several modules is a sub-package.
"""
