"""Data migrations of the cases app."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

from samenspel.cases import services
from samenspel.cases.models import Person
from samenspel.lib.names import name_key
from samenspel.testing import Cast

rekey_migration = importlib.import_module("samenspel.cases.migrations.0003_rekey_person_names")


def test_rekey_gives_stored_version_1_keys_their_somali_readings(cast: Cast) -> None:
    somali = services.create_person(
        municipality=cast.municipality_a,
        given_names="Maxamed",
        family_name="Cabdi",
        by=cast.case_manager,
    )
    plain = services.create_person(
        municipality=cast.municipality_a,
        given_names="Anna",
        family_name="Visser",
        by=cast.case_manager,
    )
    # As name key version 1 stored them: the ordinary readings only.
    Person.objects.filter(pk=somali.pk).update(name_key="kbd mksmt")
    plain_key = Person.objects.get(pk=plain.pk).name_key

    # The migration only reads the editor's connection; SQLite opens no schema editor in a test's
    # transaction.
    rekey_migration.rekey(apps, SimpleNamespace(connection=connection))

    assert Person.objects.get(pk=somali.pk).name_key == "abd kbd mhmt mksmt"
    assert Person.objects.get(pk=somali.pk).name_key == name_key("Maxamed Cabdi")
    assert Person.objects.get(pk=plain.pk).name_key == plain_key == "an vsr"
