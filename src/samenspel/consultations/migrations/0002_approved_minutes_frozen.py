from django.db import migrations

from samenspel.consultations import db as consultations_db


def install(apps, schema_editor):
    consultations_db.execute(schema_editor.connection, install=True)


def remove(apps, schema_editor):
    consultations_db.execute(schema_editor.connection, install=False)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
