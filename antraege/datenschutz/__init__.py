"""Data protection of the Aktionsfonds: privacy notice, retention and erasure, access (Art. 15),
the audit log of staff access to personal data, and the applicant's confirmed e-mail address.

Layers as everywhere: ``models`` → domain functions (``aufbewahrung``, ``auskunft``, ``nachweis``,
``adressen``) → interfaces (``views``, ``admin``, ``tasks``, the management command).
"""
