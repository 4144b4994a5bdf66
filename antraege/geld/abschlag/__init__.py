"""The advance (Abschlag) that waits for the applicant's bank details."""
