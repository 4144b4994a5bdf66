"""Pages of the fund: ``start`` (start page, landing), ``veroeffentlichung`` (public list),
``qm`` (fund report, year-end close, fields of action).
"""
