"""Rules of the Antrag: ``antrag`` (up to the decision), ``anhang`` (attachments), ``timeline``
(the one writer of timeline entries).
"""
