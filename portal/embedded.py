"""What the embedded default (no DATABASE_URL, no REDIS_URL) keeps under its
var folder besides the database: the Celery broker file and a secret key.
No Django imports: settings load this."""

import os
import secrets
import sqlite3
import tempfile
from pathlib import Path


def embedded_broker_prepare(path: Path) -> None:
    """Create the broker file in WAL mode, kept in the file, so a worker's
    poll never blocks the web server's publish (nor the other way round)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30)
    try:
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()


def embedded_secret_key(path: Path) -> str:
    """The key in `path`, made on first use. Written to a private temporary
    file and linked into place, which fails if it exists, so the web server,
    worker and beat, started together, all read the one whole key."""
    if not path.exists():
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
        try:
            with os.fdopen(descriptor, "w", encoding="ascii") as file:
                file.write(secrets.token_urlsafe(50))
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            os.unlink(temporary)
    return path.read_text(encoding="ascii").strip()


def embedded_broker_prune(url: str) -> int:
    """Delete the messages consumers have taken. kombu's SQLAlchemy transport
    keeps them (marked invisible) and scans past them on every poll; a taken
    message's payload is already with its consumer, so none is lost."""
    from sqlalchemy import MetaData, Table, create_engine, delete

    engine = create_engine(url.removeprefix("sqla+"), connect_args={"timeout": 30})
    try:
        with engine.begin() as connection:
            messages = Table("kombu_message", MetaData(), autoload_with=connection)
            return connection.execute(delete(messages).where(messages.c.visible.is_(False))).rowcount
    finally:
        engine.dispose()
