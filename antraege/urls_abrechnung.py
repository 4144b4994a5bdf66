"""Letters, settlement and payout pages (applicant via "Mein Antrag", QM under /qm/)."""

app_name = "abrechnung"

urlpatterns = []
