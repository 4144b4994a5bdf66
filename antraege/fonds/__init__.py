"""The fund and its area: Quartier, Aktionsfonds, Kostenkategorie, Handlungsfeld; deadlines
(``selectors.fristen``), the year-end close, the fund picture, the start page and the public list of
funded projects (``veroeffentlichung``).
"""
