"""Reads of Anträge, one module per subdomain: lists, balances and read-only computations."""
