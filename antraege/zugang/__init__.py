"""The applicant's access: the signed link (``links``) and the session it opens (``session``)."""
