"""Forms of the Antrag: ``antrag`` (the resident's form), ``pruefung`` (QM's review)."""
