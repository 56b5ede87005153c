"""A SQLite file waits for another process's write lock instead of failing after the driver's 5 s."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from storage.location import SQLITE_BUSY_SECONDS, driver_url


def busy_timeout(url: str) -> int:
    engine = create_engine(driver_url(url))
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("PRAGMA busy_timeout")).scalar_one())
    finally:
        engine.dispose()


def test_a_sqlite_file_waits_for_a_lock_as_long_as_a_migration_may_take(tmp_path):
    assert busy_timeout(f"sqlite:///{tmp_path / 'crm.sqlite3'}") == SQLITE_BUSY_SECONDS * 1000


def test_a_timeout_named_in_the_url_is_kept(tmp_path):
    assert busy_timeout(f"sqlite:///{tmp_path / 'crm.sqlite3'}?timeout=2") == 2000


def test_postgresql_urls_get_the_psycopg_driver_and_no_sqlite_option():
    assert (
        driver_url("postgresql://postgres@127.0.0.1:5432/test") == "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )


def test_a_new_file_goes_into_wal_mode_while_another_process_holds_its_write_lock(tmp_path):
    """SQLite refuses a journal mode switch at once, busy timeout or not, while another connection writes."""
    import sqlite3
    import threading

    from storage.ddl import use_wal

    path = tmp_path / "crm.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE migrating (x)")
    holder.execute("BEGIN IMMEDIATE")  # what another process's migration holds
    releases = threading.Timer(0.3, holder.execute, args=("COMMIT",))
    releases.start()
    engine = create_engine(driver_url(f"sqlite:///{path}"))
    try:
        use_wal(engine)
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
    finally:
        releases.join()
        engine.dispose()
        holder.close()
