"""Reads of the fund: ``fristen``, ``fondsbild``, ``kosten``, ``veroeffentlichung``."""
