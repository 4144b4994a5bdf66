"""An online vote gets a real status (open / closed), moved by ``workflow.jury_flow.AbstimmungFlow``;
before, the state was the nullable ``geschlossen_am``. Data: a vote with ``geschlossen_am`` is
closed, every other one open."""

from django.db import migrations, models


def status_from_timestamp(apps, schema_editor):
    Abstimmung = apps.get_model("jury", "Abstimmung")
    Abstimmung.objects.filter(geschlossen_am__isnull=False).update(status="closed")


def timestamp_kept(apps, schema_editor):
    """Backwards: ``geschlossen_am`` was never cleared, so it still says which votes are closed."""


class Migration(migrations.Migration):
    dependencies = [
        ("jury", "0004_sitzungsunterlagen"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="abstimmung",
            name="eine_offene_abstimmung_je_antrag",
        ),
        migrations.AddField(
            model_name="abstimmung",
            name="status",
            field=models.CharField(
                choices=[("open", "Offen"), ("closed", "Geschlossen")],
                default="open",
                max_length=8,
                verbose_name="Status",
            ),
        ),
        migrations.RunPython(status_from_timestamp, timestamp_kept),
        migrations.AddConstraint(
            model_name="abstimmung",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "open")),
                fields=("antrag",),
                name="eine_offene_abstimmung_je_antrag",
            ),
        ),
    ]
