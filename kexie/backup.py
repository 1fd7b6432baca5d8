"""
Backups: the database and every media file in one tar archive, with a manifest.

An archive holds
- ``database.dump`` (PostgreSQL, ``pg_dump -Fc``) or ``database.sqlite3`` (SQLite's
  online backup API, consistent while the site runs);
- ``media/<name>`` for each file of the default storage, read through the storage
  (local disk or S3 alike);
- ``manifest.json``: row counts per model, counted in the same snapshot the dump
  was taken from, and every media file's size and SHA-256.

``restore`` only writes into an empty database and an empty storage, so it can
never mix two sites, and it checks the result against the manifest.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connections, transaction

from kexie.db import analyze

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_PREFIX = "media/"
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
ARCHIVE_PREFIX = "kexie-backup-"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why."""


# --- Reading and hashing -----------------------------------------------------------


class _HashingReader:
    """Passes a file through (to tarfile or a storage) while hashing what was read."""

    def __init__(self, handle):
        self.handle = handle
        self.sha256 = hashlib.sha256()
        self.bytes_read = 0

    def read(self, size=-1):
        data = self.handle.read(size)
        self.sha256.update(data)
        self.bytes_read += len(data)
        return data


def _sha256(handle):
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def storage_files(storage, directory=""):
    """Every file name in ``storage``, walking its directories (works for S3 prefixes)."""
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # a local media folder not created yet: nothing stored
        return
    for name in sorted(files):
        yield str(PurePosixPath(directory, name)) if directory else name
    for sub in sorted(directories):
        yield from storage_files(storage, str(PurePosixPath(directory, sub)) if directory else sub)


def _model_tables():
    return {
        model._meta.label: model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def _count_rows(cursor, quote, tables=None):
    counts = {}
    for label, table in sorted((tables or _model_tables()).items()):
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")  # noqa: S608 - our table names
        counts[label] = cursor.fetchone()[0]
    return counts


# --- The database ---------------------------------------------------------------------


def _pg_environment(settings_dict):
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args = []
    if settings_dict.get("HOST"):
        args += ["--host", str(settings_dict["HOST"])]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", str(settings_dict["USER"])]
    return env, args


def _run(command, env):
    executable = shutil.which(command[0])
    if executable is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        )
    result = subprocess.run(  # noqa: S603 - fixed program, arguments from settings
        [executable, *command[1:]], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _dump_postgresql(connection, target):
    env, args = _pg_environment(connection.settings_dict)
    # One snapshot for the dump and the counts: the manifest describes exactly the dump.
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={target}",
                *args,
                connection.settings_dict["NAME"],
            ],
            env,
        )
        return _count_rows(cursor, connection.ops.quote_name)


def _dump_sqlite(connection, target):
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        return _count_rows(copy.cursor(), connection.ops.quote_name)
    finally:
        copy.close()


def _database_is_empty(connection):
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _restore_postgresql(connection, source):
    env, args = _pg_environment(connection.settings_dict)
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            *args,
            str(source),
        ],
        env,
    )


def _restore_sqlite(connection, source):
    connection.ensure_connection()
    backup = sqlite3.connect(source)
    try:
        backup.backup(connection.connection)
    finally:
        backup.close()


# --- Backup --------------------------------------------------------------------------


def create_backup(output_dir, *, using="default", storage=None, now=None):
    """Write one archive into ``output_dir`` and return its path."""
    connection = connections[using]
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    storage = storage or default_storage
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.datetime.now(tz=datetime.UTC)).strftime("%Y%m%d-%H%M%S")
    final = output_dir / f"{ARCHIVE_PREFIX}{stamp}.tar"
    dump_name = DUMP_NAMES[connection.vendor]
    with tempfile.TemporaryDirectory(prefix="kexie-backup-") as work:
        dump_path = Path(work) / dump_name
        dump = _dump_postgresql if connection.vendor == "postgresql" else _dump_sqlite
        counts = dump(connection, dump_path)
        with open(dump_path, "rb") as handle:
            dump_sha256 = _sha256(handle)
        # Written under a temporary name: a half-written archive never looks like a backup.
        partial = output_dir / f".{final.name}.partial"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as archive:
            archive.add(dump_path, arcname=dump_name)
            files = []
            for name in storage_files(storage):
                with storage.open(name, "rb") as handle:
                    reader = _HashingReader(handle)
                    info = tarfile.TarInfo(MEDIA_PREFIX + name)
                    info.size = storage.size(name)
                    info.mtime = int(datetime.datetime.now(tz=datetime.UTC).timestamp())
                    archive.addfile(info, reader)
                if reader.bytes_read != info.size:
                    raise BackupError(f"{name} changed while it was being backed up.")
                files.append({"name": name, "size": info.size, "sha256": reader.sha256.hexdigest()})
            manifest = {
                "format": FORMAT,
                "created_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
                "database": {
                    "vendor": connection.vendor,
                    "file": dump_name,
                    "sha256": dump_sha256,
                },
                "counts": counts,
                "files": files,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.datetime.now(tz=datetime.UTC).timestamp())
            archive.addfile(info, io.BytesIO(data))
        partial.replace(final)
    return final


def prune(output_dir, keep):
    """Delete all but the ``keep`` newest archives in ``output_dir``; return what was deleted."""
    archives = sorted(Path(output_dir).glob(f"{ARCHIVE_PREFIX}*.tar"))
    doomed = archives[: max(len(archives) - keep, 0)]
    for path in doomed:
        path.unlink()
    return doomed


# --- Restore -------------------------------------------------------------------------


def _safe_media_name(name):
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not name:
        raise BackupError(f"The manifest names an unsafe file: {name!r}.")
    return name


def read_manifest(archive):
    try:
        member = archive.getmember(MANIFEST)
    except KeyError:
        raise BackupError("This archive has no manifest.json: it is not a kexie backup.") from None
    try:
        manifest = json.load(archive.extractfile(member))
    except ValueError as error:
        raise BackupError(f"The manifest cannot be read: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("Unknown backup format: this archive was not written by `backup`.")
    if manifest["database"].get("file") not in DUMP_NAMES.values():
        raise BackupError("The manifest names no database dump this version can restore.")
    return manifest


def _damaged_files(archive, manifest):
    database = manifest["database"]
    expected = [(database["file"], database["file"], database["sha256"])]
    for entry in manifest["files"]:
        name = _safe_media_name(entry["name"])
        expected.append((name, MEDIA_PREFIX + name, entry["sha256"]))
    damaged = []
    for name, member, sha256 in expected:
        try:
            handle = archive.extractfile(member)
        except KeyError:
            handle = None
        if handle is None:
            damaged.append(f"{name} is missing from the archive")
        elif _sha256(handle) != sha256:
            damaged.append(f"{name} does not match its checksum")
    return damaged


def restore_backup(archive_path, *, using="default", storage=None):
    """Restore into an empty database and storage; return the manifest after checking it."""
    connection = connections[using]
    storage = storage or default_storage
    try:
        archive = tarfile.open(archive_path, mode="r")
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"Cannot read {archive_path}: {error}") from error
    with archive:
        manifest = read_manifest(archive)
        vendor = manifest["database"]["vendor"]
        if vendor != connection.vendor:
            raise BackupError(
                f"This is a {vendor} backup; the configured database is {connection.vendor}."
            )
        if not _database_is_empty(connection):
            raise BackupError(
                "The database is not empty. Restore only into a new, empty database "
                "(PostgreSQL: createdb; SQLite: a new file)."
            )
        if next(storage_files(storage), None) is not None:
            raise BackupError("The media storage is not empty. Restore only into an empty storage.")

        # A damaged archive is found before anything is written.
        damaged = _damaged_files(archive, manifest)
        if damaged:
            raise BackupError(
                "The archive is damaged; nothing was restored:\n" + "\n".join(damaged)
            )

        with tempfile.TemporaryDirectory(prefix="kexie-restore-") as work:
            dump_path = Path(work) / manifest["database"]["file"]
            with archive.extractfile(manifest["database"]["file"]) as source:
                with open(dump_path, "wb") as target:
                    shutil.copyfileobj(source, target, CHUNK)
            if vendor == "postgresql":
                _restore_postgresql(connection, dump_path)
            else:
                _restore_sqlite(connection, dump_path)
        connection.close()  # the next query sees the restored schema

        problems = []
        for entry in manifest["files"]:
            name = _safe_media_name(entry["name"])
            reader = _HashingReader(archive.extractfile(MEDIA_PREFIX + name))
            content = File(reader, name=name)
            content.size = entry["size"]
            saved = storage.save(name, content)
            if saved != name:
                problems.append(f"{name} was stored as {saved}")
            if reader.sha256.hexdigest() != entry["sha256"]:
                problems.append(f"{name} does not match its checksum")

    analyze(apps.get_models(include_auto_created=True), using=using)
    problems += verify(manifest, using=using, storage=storage)
    if problems:
        raise BackupError("The restore does not match the manifest:\n" + "\n".join(problems))
    return manifest


def verify(manifest, *, using="default", storage=None):
    """Differences between the manifest and the database and storage as they are now."""
    connection = connections[using]
    storage = storage or default_storage
    problems = []
    tables = _model_tables()
    missing = sorted(set(manifest["counts"]) - set(tables))
    problems += [f"{label}: no such model in this version of the code" for label in missing]
    with connection.cursor() as cursor:
        known = {label: tables[label] for label in manifest["counts"] if label in tables}
        counts = _count_rows(cursor, connection.ops.quote_name, known)
    for label, expected in manifest["counts"].items():
        if label in counts and counts[label] != expected:
            problems.append(f"{label}: {counts.get(label)} rows, the backup had {expected}")
    for entry in manifest["files"]:
        try:
            with storage.open(entry["name"], "rb") as handle:
                digest = _sha256(handle)
        except OSError:
            problems.append(f"{entry['name']} is missing")
            continue
        if digest != entry["sha256"]:
            problems.append(f"{entry['name']} differs from the backup")
    return problems
