"""The online vote (Umlaufverfahren): opening it, the ballots, progress and minutes; the jury's
rules of an area and the amount put to the vote, which meetings use too."""
