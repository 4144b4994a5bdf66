"""Backup and restore (aktionsfonds/backup.py, issue 21): the manifest's hashes guard the backup; a
backup taken while Anträge are being submitted, restored into an empty database, holds every
submission committed before the backup started. The full drill (seed, back up, drop everything,
restore, compare every row, file and fund total) is `make drill-restore` (bin/drill-restore)."""

import hashlib
import json
import os
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from tests.worker.processes import wait_until

PG = os.environ.get("DATABASE_URL", "").startswith("postgres")
needs_pg = pytest.mark.skipif(
    not PG or not shutil.which("pg_dump"),
    reason="pg_dump/pg_restore backups need PostgreSQL (DATABASE_URL) and postgresql-client",
)


def backup_cli(*args, database_url=None, media=None):
    env = {k: v for k, v in os.environ.items() if k not in {"SQLITE_PATH", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        MEDIA_ROOT=str(media or settings.MEDIA_ROOT),
        DATABASE_URL=database_url or _url(connection.settings_dict),
    )
    result = subprocess.run(
        [sys.executable, "-m", "aktionsfonds.backup", *map(str, args)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result


def _url(database):
    from tests.worker.processes import database_env

    return database_env(database)["DATABASE_URL"]


@needs_pg
@pytest.mark.django_db(transaction=True)
def test_backup_manifest_names_every_file_and_verify_finds_a_changed_one(tmp_path):
    from antraege.factories import AntragFactory
    from antraege.models import Anhang

    antrag = AntragFactory()
    media = settings.MEDIA_ROOT
    os.makedirs(media / "anhaenge", exist_ok=True)
    (media / "anhaenge" / "plan.pdf").write_bytes(b"%PDF-1.7 Plan")
    Anhang.objects.create(
        antrag=antrag,
        datei="anhaenge/plan.pdf",
        originalname="plan.pdf",
        content_type="application/pdf",
        groesse=13,
    )

    made = backup_cli("create", "--into", tmp_path / "backups")
    assert made.returncode == 0, made.stderr
    [folder] = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["files"] == {"anhaenge/plan.pdf": hashlib.sha256(b"%PDF-1.7 Plan").hexdigest()}
    dump = folder / manifest["database"]["file"]
    assert manifest["database"]["sha256"] == hashlib.sha256(dump.read_bytes()).hexdigest()
    assert manifest["engine"] == "postgresql"
    assert backup_cli("verify", folder).returncode == 0

    (folder / "medien" / "anhaenge" / "plan.pdf").write_bytes(b"%PDF-1.7 changed")
    damaged = backup_cli("verify", folder)

    assert damaged.returncode != 0
    assert "medien/anhaenge/plan.pdf" in damaged.stderr


@needs_pg
@pytest.mark.django_db(transaction=True)
def test_restore_of_a_backup_during_submissions_loses_nothing_committed_before(tmp_path):
    import psycopg

    from antraege.models import Antrag, Statuswechsel
    from antraege.states import AntragStatus
    from bench.drill import Submitter
    from bench.harness import Database, drafts_bulk

    _fonds, ids = drafts_bulk(60, code="BAK", name="Backup-Kiez")
    submitter = Submitter(ids, rate=25)
    submitter.start()
    restored_db = Database(f"aktionsfonds_restore_{os.getpid()}").create()
    try:
        wait_until(lambda: len(submitter.committed) >= 10, timeout=60, message="10 submissions")
        committed_before = list(submitter.committed)
        made = backup_cli("create", "--into", tmp_path / "backups")
        committed_after = list(submitter.committed)
        submitter.stop_event.set()
        submitter.join(timeout=60)
        assert made.returncode == 0, made.stderr
        assert len(committed_after) > len(committed_before)  # submissions ran during the backup
        [folder] = (tmp_path / "backups").iterdir()

        restored = backup_cli(
            "restore", folder, database_url=restored_db.url, media=tmp_path / "restored-media"
        )
        assert restored.returncode == 0, restored.stderr

        live = {
            row["pk"]: row
            for row in Antrag.objects.filter(pk__in=committed_before).values(
                "pk", "status", "eingereicht_am", "antragsteller_email", "titel"
            )
        }
        antrag_table = Antrag._meta.db_table
        timeline_table = Statuswechsel._meta.db_table
        with psycopg.connect(restored_db.url) as restored_connection:
            rows = restored_connection.execute(
                f"SELECT id, status, eingereicht_am, antragsteller_email, titel FROM {antrag_table} "
                "WHERE status <> %s",
                [AntragStatus.DRAFT],
            ).fetchall()
            submitted_with_timeline = {
                antrag_id
                for (antrag_id,) in restored_connection.execute(
                    f"SELECT DISTINCT antrag_id FROM {timeline_table}"
                ).fetchall()
            }
    finally:
        submitter.stop_event.set()
        submitter.join(timeout=60)
        restored_db.drop()

    restored_rows = {
        pk: {
            "pk": pk,
            "status": status,
            "eingereicht_am": eingereicht,
            "antragsteller_email": email,
            "titel": titel,
        }
        for pk, status, eingereicht, email, titel in rows
    }
    assert set(committed_before) <= set(restored_rows)
    assert {pk: restored_rows[pk] for pk in committed_before} == live
    # nothing half made: every restored submission has its timeline entry, and none is from after
    assert set(restored_rows) <= set(committed_after)
    assert set(restored_rows) <= submitted_with_timeline


def drill_module():
    import importlib.machinery
    import importlib.util

    path = str(settings.BASE_DIR / "bin" / "drill-restore")
    loader = importlib.machinery.SourceFileLoader("drill_restore", path)
    spec = importlib.util.spec_from_loader("drill_restore", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_the_drill_compares_rows_files_and_fund_totals(antrag, qm_user):
    """What `make drill-restore` compares sees a changed row, file or fund budget (so it can fail)."""
    from antraege.models import Aktionsfonds, Antrag
    from workflow.wege import antrag_walk_to

    drill = drill_module()
    antrag_walk_to(antrag, "paid", qm_user=qm_user)
    (settings.MEDIA_ROOT / "briefe").mkdir(parents=True, exist_ok=True)
    (settings.MEDIA_ROOT / "briefe" / "bescheid.pdf").write_bytes(b"%PDF-1.7 Bescheid")
    before = drill.fingerprint()

    assert drill.fingerprint() == before
    assert before["tables"]["antraege.Antrag"][0] == 1
    # the receipt the walk uploaded, named by its row, and the letter put there by hand
    assert len(before["files"]) == 2
    assert (
        before["files"]["briefe/bescheid.pdf"] == hashlib.sha256(b"%PDF-1.7 Bescheid").hexdigest()
    )
    assert before["files_missing"] == []
    assert len(before["fund_totals"]) == 1

    Antrag.objects.filter(pk=antrag.pk).update(titel="Anders")
    (settings.MEDIA_ROOT / "briefe" / "bescheid.pdf").write_bytes(b"%PDF-1.7 anders")
    Aktionsfonds.objects.update(budget=1)
    after = drill.fingerprint()

    changed = {key for key in ("tables", "files", "fund_totals") if before[key] != after[key]}
    assert changed == {"tables", "files", "fund_totals"}
    assert [
        label for label in before["tables"] if before["tables"][label] != after["tables"][label]
    ] == ["antraege.Aktionsfonds", "antraege.Antrag"]


@pytest.mark.skipif(PG, reason="the SQLite copy (a developer's `make backup`); PostgreSQL above")
@pytest.mark.django_db(transaction=True)
def test_backup_of_sqlite_is_a_copy_with_the_manifest(tmp_path):
    from aktionsfonds.backup import backup_create, backup_verify
    from antraege.factories import AntragFactory

    antrag = AntragFactory(titel="Kiezfest im Backup")

    folder = backup_create(tmp_path / "backups")
    manifest = backup_verify(folder)

    assert manifest["engine"] == "sqlite"
    assert folder.name.startswith("aktionsfonds-") and not folder.name.endswith(".partial")
    import sqlite3

    copy = sqlite3.connect(folder / manifest["database"]["file"])
    titles = copy.execute("SELECT titel FROM antraege_antrag WHERE id = ?", [antrag.pk]).fetchall()
    copy.close()
    assert titles == [("Kiezfest im Backup",)]
