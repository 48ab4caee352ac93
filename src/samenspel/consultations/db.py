"""Database triggers that keep approved minutes, their item notes and decisions unchangeable.

Approved minutes are a record: a correction is a new version with a reason, never an edit
(the same guarantee framework versions have, frameworks.db). The triggers refuse an update
or delete of an approved version and any insert, update or delete of its notes and decisions.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

M = "consultations_minutes"
CHILDREN = ("consultations_itemnote", "consultations_decision")
MESSAGE = "approved minutes cannot be changed"


def _sqlite_child(table: str) -> list[str]:
    short = table.removeprefix("consultations_")
    approved = "(SELECT status FROM {m} WHERE id = {row}.minutes_id) = 'approved'"
    return [
        f"""CREATE TRIGGER IF NOT EXISTS min_{short}_no_insert BEFORE INSERT ON {table}
WHEN {approved.format(m=M, row="NEW")}
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
        f"""CREATE TRIGGER IF NOT EXISTS min_{short}_no_update BEFORE UPDATE ON {table}
WHEN {approved.format(m=M, row="OLD")} OR {approved.format(m=M, row="NEW")}
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
        f"""CREATE TRIGGER IF NOT EXISTS min_{short}_no_delete BEFORE DELETE ON {table}
WHEN {approved.format(m=M, row="OLD")}
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    ]


SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS min_frozen BEFORE UPDATE ON {M}
WHEN OLD.status = 'approved'
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS min_no_delete BEFORE DELETE ON {M}
WHEN OLD.status = 'approved'
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    *(sql for table in CHILDREN for sql in _sqlite_child(table)),
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS min_frozen;",
    "DROP TRIGGER IF EXISTS min_no_delete;",
    *(
        f"DROP TRIGGER IF EXISTS min_{table.removeprefix('consultations_')}_no_{op};"
        for table in CHILDREN
        for op in ("insert", "update", "delete")
    ),
]

POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION min_guard() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'approved' THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;""",
    f"""CREATE OR REPLACE FUNCTION min_child_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND EXISTS (
        SELECT 1 FROM {M} WHERE id = OLD.minutes_id AND status = 'approved'
    ) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP <> 'DELETE' AND EXISTS (
        SELECT 1 FROM {M} WHERE id = NEW.minutes_id AND status = 'approved'
    ) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;""",  # noqa: S608 - table names are constants
    f"DROP TRIGGER IF EXISTS min_guard ON {M};",
    f"""CREATE TRIGGER min_guard BEFORE UPDATE OR DELETE ON {M}
FOR EACH ROW EXECUTE FUNCTION min_guard();""",
    *(
        sql
        for table in CHILDREN
        for sql in (
            f"DROP TRIGGER IF EXISTS min_child_guard ON {table};",
            f"""CREATE TRIGGER min_child_guard BEFORE INSERT OR UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION min_child_guard();""",
        )
    ),
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS min_guard ON {M};",
    *(f"DROP TRIGGER IF EXISTS min_child_guard ON {table};" for table in CHILDREN),
]


def execute(connection: BaseDatabaseWrapper, *, install: bool) -> None:
    """Install (or remove) the triggers on the connection's database."""
    if connection.vendor == "sqlite":
        statements = SQLITE_INSTALL if install else SQLITE_REMOVE
    elif connection.vendor == "postgresql":
        statements = POSTGRES_INSTALL if install else POSTGRES_REMOVE
    else:
        raise NotImplementedError(f"no minutes triggers for {connection.vendor}")
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
