"""Seed the programme's fields of action (Sozialer Zusammenhalt). The list is data: admins may add,
rename or retire fields later; this only creates the six the programme reports on."""

from django.db import migrations

HANDLUNGSFELDER = [
    ("bildung", "Bildung", "Lernen und Wissen teilen: Kurse, Workshops, Lesungen"),
    ("integration", "Integration", "Menschen verschiedener Herkunft zusammenbringen"),
    ("nachbarschaft", "Nachbarschaft", "Nachbarn lernen sich kennen: Feste, Treffen, Hilfe"),
    ("gesundheit-bewegung", "Gesundheit und Bewegung", "Sport, Bewegung, gesund leben"),
    (
        "oeffentlicher-raum",
        "Öffentlicher Raum",
        "Straßen, Plätze, Höfe und Grünflächen schöner machen",
    ),
    (
        "klima",
        "Klimaschutz und Klimaanpassung",
        "Umwelt und Klima: Pflanzen, Reparieren, Energie sparen",
    ),
]


def seed(apps, schema_editor):
    Handlungsfeld = apps.get_model("antraege", "Handlungsfeld")
    for reihenfolge, (slug, name, erklaerung) in enumerate(HANDLUNGSFELDER, start=1):
        Handlungsfeld.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "erklaerung": erklaerung, "reihenfolge": reihenfolge},
        )


def unseed(apps, schema_editor):
    Handlungsfeld = apps.get_model("antraege", "Handlungsfeld")
    Handlungsfeld.objects.filter(
        slug__in=[slug for slug, _name, _erklaerung in HANDLUNGSFELDER], antraege__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("antraege", "0004_oeffentlich")]

    operations = [migrations.RunPython(seed, unseed)]
