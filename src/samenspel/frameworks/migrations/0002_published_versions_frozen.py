from django.db import migrations

from samenspel.frameworks import db as framework_db


def install(apps, schema_editor):
    framework_db.execute(schema_editor.connection, install=True)


def remove(apps, schema_editor):
    framework_db.execute(schema_editor.connection, install=False)


class Migration(migrations.Migration):
    dependencies = [("frameworks", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
