"""QM manages the composition of its area's jury (members, deputies, terms)."""
