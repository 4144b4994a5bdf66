"""The area of each vote, copied from its Antrag's fund (a fund never changes area), with an index
on the open votes by area: QM's progress of their open votes reads these, not every Antrag of the
area over the years."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def quartier_fill(apps, schema_editor):
    Abstimmung = apps.get_model("jury", "Abstimmung")
    Antrag = apps.get_model("antraege", "Antrag")
    Abstimmung.objects.update(
        quartier_id=Subquery(
            Antrag.objects.filter(pk=OuterRef("antrag_id")).values("fonds__quartier_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("antraege", "0035_fonds_jahr_index"),
        ("jury", "0012_abstimmung_kostenplan"),
    ]

    operations = [
        migrations.AddField(
            model_name="abstimmung",
            name="quartier",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="antraege.quartier",
            ),
        ),
        migrations.RunPython(quartier_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="abstimmung",
            name="quartier",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="antraege.quartier",
            ),
        ),
        migrations.AddIndex(
            model_name="abstimmung",
            index=models.Index(
                condition=models.Q(("status", "open")),
                fields=["quartier"],
                name="abstimmung_offen_quartier",
            ),
        ),
    ]
