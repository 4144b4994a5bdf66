"""Recompute every fund from its bookings and report any difference (exit code 1 if one)."""

from django.core.management.base import BaseCommand, CommandError

from antraege.geld.buchungen.selectors import fonds_abweichungen


class Command(BaseCommand):
    help = (
        "Rechnet jeden Aktionsfonds aus seinen Buchungen nach und vergleicht mit den laufenden "
        "Summen am Fonds und den Beträgen der Anträge. Bei einer Abweichung: Exit-Code 1."
    )

    def handle(self, *args, **options):
        abweichungen = fonds_abweichungen()
        for fonds, was, gespeichert, nachgerechnet in abweichungen:
            self.stdout.write(
                f"{fonds} (#{fonds.pk}): {was} gespeichert {gespeichert}, "
                f"nachgerechnet {nachgerechnet}"
            )
        if abweichungen:
            raise CommandError(f"{len(abweichungen)} Abweichung(en) gefunden.", returncode=1)
        self.stdout.write("Alle Aktionsfonds stimmen mit ihren Buchungen überein.")
