"""Database triggers that keep published framework versions and their rows unchangeable."""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

V = "frameworks_frameworkversion"
R = "frameworks_frameworkrow"
MESSAGE = "published framework versions cannot be changed"

# Columns of a version that never change once it is published (status may go to withdrawn).
FROZEN = ("framework", "label", "title", "valid_from", "valid_until", "content", "content_sha256")

_CHANGED_PG = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS fw_version_frozen BEFORE UPDATE ON {V}
WHEN OLD.status != 'draft' AND ({" OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)})
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS fw_version_no_delete BEFORE DELETE ON {V}
WHEN OLD.status = 'published'
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS fw_row_no_update BEFORE UPDATE ON {R}
WHEN (SELECT status FROM {V} WHERE id = OLD.version_id) != 'draft'
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS fw_row_no_insert BEFORE INSERT ON {R}
WHEN (SELECT status FROM {V} WHERE id = NEW.version_id) != 'draft'
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS fw_row_no_delete BEFORE DELETE ON {R}
WHEN (SELECT status FROM {V} WHERE id = OLD.version_id) = 'published'
BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS fw_version_frozen;",
    "DROP TRIGGER IF EXISTS fw_version_no_delete;",
    "DROP TRIGGER IF EXISTS fw_row_no_update;",
    "DROP TRIGGER IF EXISTS fw_row_no_insert;",
    "DROP TRIGGER IF EXISTS fw_row_no_delete;",
]

POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION fw_version_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'published' THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND ({_CHANGED_PG}) THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;""",
    f"""CREATE OR REPLACE FUNCTION fw_row_guard() RETURNS trigger AS $$
DECLARE
    st text;
BEGIN
    SELECT status INTO st FROM {V}
        WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.version_id ELSE NEW.version_id END);
    IF (TG_OP = 'DELETE' AND st = 'published') OR (TG_OP <> 'DELETE' AND st <> 'draft') THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;""",
    f"DROP TRIGGER IF EXISTS fw_version_guard ON {V};",
    f"""CREATE TRIGGER fw_version_guard BEFORE UPDATE OR DELETE ON {V}
FOR EACH ROW EXECUTE FUNCTION fw_version_guard();""",
    f"DROP TRIGGER IF EXISTS fw_row_guard ON {R};",
    f"""CREATE TRIGGER fw_row_guard BEFORE INSERT OR UPDATE OR DELETE ON {R}
FOR EACH ROW EXECUTE FUNCTION fw_row_guard();""",
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS fw_version_guard ON {V};",
    f"DROP TRIGGER IF EXISTS fw_row_guard ON {R};",
]


def execute(connection: BaseDatabaseWrapper, *, install: bool) -> None:
    """Install (or remove) the triggers on the connection's database."""
    if connection.vendor == "sqlite":
        statements = SQLITE_INSTALL if install else SQLITE_REMOVE
    elif connection.vendor == "postgresql":
        statements = POSTGRES_INSTALL if install else POSTGRES_REMOVE
    else:
        raise NotImplementedError(f"no framework triggers for {connection.vendor}")
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
