"""Show (``--dry-run``) or carry out what the retention rules remove today."""

from django.core.management.base import BaseCommand

from antraege.datenschutz.aufbewahrung import aufbewahrung_enforce, aufbewahrung_faellig


class Command(BaseCommand):
    help = (
        "Löscht verlassene Entwürfe und anonymisiert Anträge nach Ablauf der Aufbewahrungsfristen. "
        "Mit --dry-run wird nur aufgelistet, was betroffen wäre."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Nur auflisten, nichts ändern.")

    def handle(self, *args, dry_run=False, **options):
        faellig = aufbewahrung_faellig() if dry_run else aufbewahrung_enforce()
        verb = "würde" if dry_run else "wurde"
        for eintrag in faellig.entwuerfe:
            self.stdout.write(
                f"Entwurf #{eintrag.antrag_id} (zuletzt geändert {eintrag.seit:%d.%m.%Y}) "
                f"{verb} gelöscht"
            )
        for eintrag in faellig.anonymisieren:
            self.stdout.write(
                f"Antrag #{eintrag.antrag_id} {eintrag.referenz} ({eintrag.status} seit "
                f"{eintrag.seit:%d.%m.%Y}, Regel {eintrag.regel}) {verb} anonymisiert"
            )
        self.stdout.write(
            f"Zugriffsprotokoll: {faellig.zugriffsnachweise} Einträge, gesendete E-Mails: "
            f"{faellig.benachrichtigungen} {verb} gelöscht; SEPA-Dateien: {faellig.sepa_dateien} "
            f"{verb} ohne Empfänger und IBAN aufbewahrt"
        )
        if faellig.leer:
            self.stdout.write("Nichts fällig.")
