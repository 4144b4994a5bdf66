"""Jury meetings (Sitzungen): agenda, papers, attendance, decisions on the evening, minutes."""
