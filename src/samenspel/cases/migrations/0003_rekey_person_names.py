"""Recompute every person's stored name key for name key version 2 (Somali readings).

lib.names adds the key of a word's Somali reading (c the ayn, x an h) to the stored key; keys
stored under version 1 lack it, so a search for "Mohamed Abdi" would not find "Maxamed Cabdi".
"""

from typing import Any

from django.db import migrations

from samenspel.lib.names import name_key

BATCH = 2000


def rekey(apps: Any, schema_editor: Any) -> None:
    """Set name_key from the current algorithm for every person, in batches."""
    person_model = apps.get_model("cases", "Person")
    db = schema_editor.connection.alias
    persons = person_model.objects.using(db).only("given_names", "family_name", "name_key")
    changed = []
    for person in persons.order_by("pk").iterator(chunk_size=BATCH):
        key = name_key(f"{person.given_names} {person.family_name}")[:400]
        if key != person.name_key:
            person.name_key = key
            changed.append(person)
        if len(changed) >= BATCH:
            person_model.objects.using(db).bulk_update(changed, ["name_key"])
            changed = []
    if changed:
        person_model.objects.using(db).bulk_update(changed, ["name_key"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_intervention_submission_key")]

    # Going back leaves the version 2 keys: they hold every version 1 key, so nothing is lost.
    operations = [migrations.RunPython(rekey, migrations.RunPython.noop, elidable=False)]
