"""A claim's first rows, written for the least the database and Django can do.

claim_rows_write writes the claim, its Idempotency-Key (if any) and its first event, after
checking that the program's terms are still the ones the claim was checked against (its
terms_version), and counts the other claims sharing the owner's contact details for the fraud
checks. On PostgreSQL that is one statement: the claim's insert is conditional on the
version, the key and the event are inserted from the claim's RETURNING, and the counts are read
in the same round trip. Elsewhere (SQLite) it is one statement per row, as the ORM would do.

A refused insert (the serial's constraint, the key's) raises the IntegrityError; a changed
program raises ProgramChanged and writes nothing. The caller's transaction holds it all.
"""

from functools import cache

import psycopg
from django.db import connection, models
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

from recalldesk.claims.fraud import contact_counts_sql
from recalldesk.claims.models import Claim, Program

__all__ = ["ProgramChanged", "claim_rows_write", "program_version_check", "row_insert"]


# How many claims a connection files with one plan of claim_rows_write's statement.
PLAN_RUNS = 100


class ProgramChanged(Exception):
    """The program's terms changed since the claim was checked against them."""


def _fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.generated
    )


@cache
def _insert_sql(model: type[models.Model], vendor: str) -> tuple[str, tuple[models.Field, ...]]:
    fields = _fields(model)
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "  # noqa: S608 (names from the model)
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"RETURNING {quote(model._meta.pk.column)}"
    )
    return sql, fields


def _values(row: models.Model, fields: tuple[models.Field, ...]) -> list:
    # What the ORM's insert sends: each field's pre_save (auto_now_add sets the instance's
    # attribute too) and get_db_prep_save.
    return [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]


def _saved(row: models.Model, pk) -> None:
    row.pk = pk
    row._state.adding = False
    row._state.db = connection.alias


def row_insert(row: models.Model) -> None:
    """save(force_insert=True) for the rows of a claim being filed, without its overhead.

    The same values reach the database, and the instance's defaults from its constructor.
    What is left out is what these models do not use (signals, parents, fields the database
    generates) and what the ORM redoes on every save: building the same INSERT (a third of the
    time of a claim's writes, 30 columns for the claim) and reading the model's options again.
    The SQL is built once per model; PostgreSQL and SQLite both return the id.
    """
    sql, fields = _insert_sql(type(row), connection.vendor)
    params = _values(row, fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (pk,) = cursor.fetchone()
    _saved(row, pk)


def claim_rows_write(
    *, claim: Claim, children: list[models.Model], terms_version: int
) -> dict[str, int] | None:
    """Insert `claim` and then `children` (rows with a `claim` foreign key), if the program's
    terms_version is still `terms_version`; the contact counts of fraud.contact_counts_sql, or
    None where they were not counted (the fraud checks count them then).
    """
    if connection.vendor == "postgresql":
        return _write_postgresql(claim, children, terms_version)
    _version_check(claim.program_id, terms_version)
    row_insert(claim)
    for child in children:
        child.claim = claim
        row_insert(child)
    return None


def program_version_check(*, program: Program) -> None:
    """ProgramChanged if the program's terms are no longer the ones `program` holds."""
    _version_check(program.pk, program.terms_version)


def _version_check(program_id: int, terms_version: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT terms_version FROM {Program._meta.db_table} WHERE id = %s",  # noqa: S608
            [program_id],
        )
        found = cursor.fetchone()
    if found is None or found[0] != terms_version:
        raise ProgramChanged


@cache
def _children_sql(models_: tuple[type[models.Model], ...]) -> tuple[str, tuple]:
    """The CTEs inserting each child from the claim's RETURNING, and the fields they take."""
    quote = connection.ops.quote_name
    parts, fields_of = [], []
    for index, model in enumerate(models_):
        fields = _fields(model)
        own = tuple(field for field in fields if field.name != "claim")
        columns = ", ".join(quote(field.column) for field in fields)
        values = ", ".join("claim.id" if field.name == "claim" else "%s" for field in fields)
        parts.append(
            f", child{index} AS (INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608
            f"SELECT {values} FROM claim RETURNING {quote(model._meta.pk.column)})"
        )
        fields_of.append(own)
    return "".join(parts), tuple(fields_of)


def _write_postgresql(claim: Claim, children: list[models.Model], terms_version: int):
    quote = connection.ops.quote_name
    _, claim_fields = _insert_sql(Claim, connection.vendor)
    columns = ", ".join(quote(field.column) for field in claim_fields)
    children_sql, children_fields = _children_sql(tuple(type(child) for child in children))
    count_fields, counts, count_params = contact_counts_sql(claim, claim_id="claim.id")
    children_ids = "".join(
        f", (SELECT * FROM child{index})"  # noqa: S608 (names of this statement)
        for index in range(len(children))
    )
    # The claim is inserted only when the program's row still has the version it was checked
    # against: no row comes back otherwise. The counts' snapshot does not hold the new claim.
    sql = (
        f"WITH program AS (SELECT 1 FROM {quote(Program._meta.db_table)} "  # noqa: S608
        "WHERE id = %s AND terms_version = %s), "
        f"claim AS (INSERT INTO {quote(Claim._meta.db_table)} ({columns}) "
        f"SELECT {', '.join(['%s'] * len(claim_fields))} FROM program RETURNING id)"
        f"{children_sql} "
        f"SELECT claim.id{children_ids}{', ' if counts else ''}{counts} FROM claim"
    )
    params = [claim.program_id, terms_version, *_values(claim, claim_fields)]
    for child, fields in zip(children, children_fields, strict=True):
        params += _values(child, fields)
    params += count_params
    row = _prepared_fetchone(sql, params)
    if row is None:
        raise ProgramChanged
    _saved(claim, row[0])
    for index, child in enumerate(children, start=1):
        child.claim = claim
        _saved(child, row[index])
    return dict(zip(count_fields, row[1 + len(children) :], strict=True))


def _prepared_fetchone(sql: str, params: list):
    """Run `sql` as a prepared statement of this connection; its first row.

    Django's cursors bind parameters on the client, so PostgreSQL parses and plans each
    statement anew: for this one, 0.2 ms, as long as running it. A psycopg cursor binding on
    the server prepares it once per connection (psycopg keeps it by its text) and then sends
    only the values; PostgreSQL settles on a generic plan after five runs. The cursor is
    wrapped as Django wraps its own, so the statement goes through execute_wrapper, the query
    log of DEBUG and tests, and Django's database errors.

    A generic plan is kept until the table's statistics change. Where they do not (autovacuum
    off, or between its runs), a plan made while the program had a few claims, when reading
    the whole table is cheapest, would stay as the table grows; so each connection prepares
    the statement again every PLAN_RUNS runs, under another text, planned for the table as it
    is then (the planner scales old statistics to the table's current size).
    """
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw_connection = connection.connection
    runs = getattr(raw_connection, "recalldesk_claim_rows_runs", 0)
    raw_connection.recalldesk_claim_rows_runs = runs + 1
    raw = _PreparingCursor(raw_connection)
    wrapper = _LoggedCursor if connection.queries_logged else CursorWrapper
    with wrapper(raw, connection) as cursor:
        cursor.execute(f"{sql} /* plan {runs // PLAN_RUNS} */", params)
        return cursor.fetchone()


class _PreparingCursor(psycopg.Cursor):
    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


class _LoggedCursor(CursorDebugWrapper):
    """Django's debug cursor, logging the statement with its values (psycopg keeps no text of
    a prepared statement's run for Django to log)."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
            return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)
