"""Plumbing shared by the pages of every subdomain: error pages (``fehler``), refusals on pages
(``refusals``), confirmation texts (``bestaetigungen``), the KERN form base (``forms``).
"""
