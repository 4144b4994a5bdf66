"""Letters, payout orders and other PDFs: ``models`` (Dokument), ``services`` (writing them),
``selectors`` (which are missing), ``pdf`` (rendering).
"""
