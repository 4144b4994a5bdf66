# The lifecycle has no tables of its own: the state lives on ``antraege.Antrag.status``.
