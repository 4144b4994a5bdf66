"""Domain functions of Anträge, one module per subdomain.

``application`` (the Antrag up to the decision, the fund's money), ``attachments`` (files of the
application), ``documents`` (letters and payout orders), ``settlement`` (project, receipts, advance
and payout) and ``timeline`` (the one writer of timeline entries); e-mail is the package
``antraege.mail``. They import models, selectors and each other, never the workflow or a view.
"""
