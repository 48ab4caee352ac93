from django.db import migrations

from samenspel.audit import db as audit_db


def install(apps, schema_editor):
    audit_db.execute(schema_editor.connection, install=True)


def remove(apps, schema_editor):
    audit_db.execute(schema_editor.connection, install=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
