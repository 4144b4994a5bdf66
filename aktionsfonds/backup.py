"""Backup and restore of an installation: the database (PostgreSQL custom-format dump; a copy of the
file on SQLite) and the media files (uploads, letters, minutes), with a manifest of SHA-256 hashes.

    python -m aktionsfonds.backup create [--into DIR] [--keep N]   (make backup)
    python -m aktionsfonds.backup verify BACKUP                     (hashes only)
    python -m aktionsfonds.backup restore BACKUP [--replace]        (make restore BACKUP=…)

A backup is a folder ``aktionsfonds-<UTC time>`` holding ``datenbank.dump`` (or ``datenbank.sqlite3``),
``medien/`` and ``manifest.json``; it is built as ``….partial`` and renamed when complete, so a folder
without that suffix is whole. The dump is one consistent snapshot (pg_dump's transaction): what was
committed before the backup started is in it. The files are copied after the dump, so every file
a row of the dump names already exists (uploads and PDFs are written before their row commits).

Restore checks every hash first, then loads the dump into the configured database (which must be
empty, or ``--replace`` empties it) and puts the files into MEDIA_ROOT.
"""

import argparse
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

PREFIX = "aktionsfonds-"
MANIFEST = "manifest.json"
MEDIA = "medien"


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_hashes(folder):
    """``{relative path: sha256}`` of every file below ``folder``."""
    folder = Path(folder)
    if not folder.exists():
        return {}
    return {
        path.relative_to(folder).as_posix(): sha256_file(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _pg_env(database):
    env = dict(os.environ)
    for key, name in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if database.get(key):
            env[name] = str(database[key])
    env["PGDATABASE"] = database["NAME"]
    return env


def _is_postgres(database):
    return "postgresql" in database["ENGINE"]


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{command[0]} failed:\n{result.stderr.strip()}")
    return result.stdout


def database_dump(database, target_folder):
    """Write the database into ``target_folder``; the file's name."""
    if _is_postgres(database):
        name = "datenbank.dump"
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-acl", "-f", target_folder / name],
            _pg_env(database),
        )
    else:
        name = "datenbank.sqlite3"
        source = sqlite3.connect(database["NAME"])
        target = sqlite3.connect(target_folder / name)
        with target:
            source.backup(target)
        source.close()
        target.close()
    return name


def _migrations():
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    applied = MigrationRecorder(connection).applied_migrations()
    latest = {}
    for app, name in sorted(applied):
        latest[app] = name
    return latest


def _git_commit():
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent.parent,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return ""


def backup_create(into, *, keep=None):
    """Make a complete backup folder below ``into``; its path. With ``keep``, older backups
    beyond the newest ``keep`` are deleted afterwards."""
    from django.conf import settings
    from django.db import connections

    database = connections["default"].settings_dict
    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    final = into / f"{PREFIX}{stamp}"
    partial = into / f"{PREFIX}{stamp}.partial"
    partial.mkdir(mode=0o700)
    started = datetime.now(UTC)
    dump = database_dump(database, partial)
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.copytree(media, partial / MEDIA, symlinks=False)
    else:
        (partial / MEDIA).mkdir()
    manifest = {
        "format": 1,
        "created": started.isoformat(timespec="seconds"),
        "engine": "postgresql" if _is_postgres(database) else "sqlite",
        "code_commit": _git_commit(),
        "migrations": _migrations(),
        "database": {"file": dump, "sha256": sha256_file(partial / dump)},
        "files": media_hashes(partial / MEDIA),
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
    partial.rename(final)
    if keep:
        backups_prune(into, keep=keep)
    return final


def backups_prune(into, *, keep):
    """Delete complete backups below ``into`` except the newest ``keep``."""
    complete = sorted(
        p for p in Path(into).glob(f"{PREFIX}*") if p.is_dir() and (p / MANIFEST).exists()
    )
    for old in complete[:-keep]:
        shutil.rmtree(old)


def backup_verify(folder):
    """The manifest of ``folder`` after checking every hash; SystemExit naming what differs."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    problems = []
    if sha256_file(folder / manifest["database"]["file"]) != manifest["database"]["sha256"]:
        problems.append(manifest["database"]["file"])
    present = media_hashes(folder / MEDIA)
    for path, digest in manifest["files"].items():
        if present.get(path) != digest:
            problems.append(f"{MEDIA}/{path}")
    problems += [
        f"{MEDIA}/{path} (not in the manifest)"
        for path in present.keys() - manifest["files"].keys()
    ]
    if problems:
        raise SystemExit("backup damaged, these differ from the manifest:\n" + "\n".join(problems))
    return manifest


def _database_empty(database):
    from django.db import connections

    with connections["default"].cursor() as cursor:
        tables = connections["default"].introspection.table_names(cursor)
    return not tables


def _database_empty_out(database):
    from django.db import connections

    connection = connections["default"]
    if _is_postgres(database):
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    connection.close()
    if not _is_postgres(database):
        Path(database["NAME"]).unlink(missing_ok=True)


def backup_restore(folder, *, replace=False):
    """Restore ``folder`` into the configured database and MEDIA_ROOT (after checking hashes)."""
    from django.conf import settings
    from django.db import connections

    folder = Path(folder)
    manifest = backup_verify(folder)
    database = connections["default"].settings_dict
    if (manifest["engine"] == "postgresql") != _is_postgres(database):
        raise SystemExit(f"this backup is of a {manifest['engine']} database")
    if not _database_empty(database):
        if not replace:
            raise SystemExit(
                "the database is not empty: restore into an empty one, or pass --replace "
                "to delete everything in it first"
            )
        _database_empty_out(database)
    connections["default"].close()
    dump = folder / manifest["database"]["file"]
    if _is_postgres(database):
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-acl",
                "--exit-on-error",
                "--single-transaction",
                "-d",
                database["NAME"],
                dump,
            ],
            _pg_env(database),
        )
    else:
        shutil.copyfile(dump, database["NAME"])
    media = Path(settings.MEDIA_ROOT)
    incoming = media.with_name(media.name + ".restore")
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.copytree(folder / MEDIA, incoming)
    if media.exists():
        old = media.with_name(media.name + ".before-restore")
        shutil.rmtree(old, ignore_errors=True)
        media.rename(old)
        incoming.rename(media)
        shutil.rmtree(old)
    else:
        incoming.rename(media)
    if media_hashes(media) != manifest["files"]:
        raise SystemExit("the restored files differ from the manifest")
    return manifest


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m aktionsfonds.backup",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="make a backup")
    create.add_argument("--into", default=os.environ.get("BACKUP_DIR", "var/backups"))
    create.add_argument("--keep", type=int, default=None, help="keep only the newest N backups")
    verify = commands.add_parser("verify", help="check a backup's hashes")
    verify.add_argument("backup")
    restore = commands.add_parser("restore", help="restore a backup")
    restore.add_argument("backup")
    restore.add_argument(
        "--replace", action="store_true", help="delete everything in the database before restoring"
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aktionsfonds.settings")
    os.environ.setdefault("CELERY_SKIP_CHECKS", "1")
    if not os.environ.get("SECRET_KEY") and os.environ.get("PRODUCTION", "0") in ("", "0"):
        # a developer's machine, as manage.py: the random key under var/
        from aktionsfonds.devkey import dev_secret_key
        from aktionsfonds.settings_paths import var_dir

        os.environ["SECRET_KEY"] = dev_secret_key(var_dir())
    import django

    django.setup()
    if args.command == "create":
        path = backup_create(args.into, keep=args.keep)
        manifest = json.loads((path / MANIFEST).read_text())
        print(f"backup {path}: database + {len(manifest['files'])} files")
    elif args.command == "verify":
        manifest = backup_verify(args.backup)
        print(f"backup {args.backup} intact: database + {len(manifest['files'])} files")
    else:
        manifest = backup_restore(args.backup, replace=args.replace)
        print(
            f"restored {args.backup}: database + {len(manifest['files'])} files "
            f"(backup of {manifest['created']}); now run: manage.py migrate"
        )


if __name__ == "__main__":
    sys.exit(main())
