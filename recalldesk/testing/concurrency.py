"""People acting at the same moment, for tests: each a thread with its own connection.

Each thread has its own database connection and transaction, as gunicorn's workers do. The
SQLite test database lives in memory, where a second writer is told "table is locked" at once
instead of waiting (shared cache has no busy timeout), which no real deployment sees: the
threads then share a file copy of the test database, with the project's connection options.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, connections


@contextmanager
def sqlite_file_copy(path: Path) -> Iterator[None]:
    """Point every connection, in this thread and new ones, at a file copy of the test DB."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])
    database_settings = connections.settings["default"]
    in_memory_name, in_memory_connection = database_settings["NAME"], connections["default"]
    database_settings["NAME"] = str(path)
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        database_settings["NAME"] = in_memory_name
        connections["default"] = in_memory_connection


@contextmanager
def shared_database(path: Path) -> Iterator[str]:
    """The database the threads share: PostgreSQL's test database, or SQLite in a file."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield connection.vendor
        return
    with sqlite_file_copy(path):
        yield "sqlite (file)"


def at_once(
    actions: list[Callable[[], object]],
    *,
    refusals: tuple[type[Exception], ...] = (),
    timeout: float = 300,
) -> list[tuple[str, object]]:
    """Run each action in its own thread, all released together; what each one got:
    ("done", its result), ("refused", the message of one of `refusals`) or ("error", repr)."""
    start = threading.Barrier(len(actions))
    outcomes: list[tuple[str, object]] = []
    lock = threading.Lock()

    def person(action: Callable[[], object]) -> None:
        try:
            start.wait()
            outcome: tuple[str, object] = ("done", action())
        except refusals as error:
            outcome = ("refused", str(error))
        except Exception as error:  # a bug: reported to the test, never hidden by the thread
            outcome = ("error", repr(error))
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=person, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert len(outcomes) == len(actions), "a thread did not finish"
    return outcomes
