"""Money pages: ``vereinbarung``, ``abrechnung``, ``kontext`` (their shared page context)."""
