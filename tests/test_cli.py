"""The `samenspel` command and `python -m samenspel`, run as a newcomer would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SAMENSPEL = str(Path(sys.executable).with_name("samenspel"))


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMENSPEL_", "DATABASE_URL"))}
    env["SAMENSPEL_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "samenspel.settings"
    env.update(extra)
    return env


def test_python_dash_m_runs_management_commands(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "samenspel", "check"],
        env=_env(tmp_path, SAMENSPEL_ENV="test"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_demo_loads_twice_without_changes_and_prints_logins(tmp_path: Path) -> None:
    runs = [
        subprocess.run(
            [SAMENSPEL, "demo", "--no-serve"],
            env=_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        for _ in range(2)
    ]
    for run in runs:
        assert run.returncode == 0, run.stderr
        assert "samenspel-demo-2026" in run.stdout
        for username in ("regisseur", "burgemeester", "beheerder", "fg", "landelijk", "politie"):
            assert f"  {username} " in run.stdout
    assert runs[0].stdout.splitlines()[1:] == runs[1].stdout.splitlines()[1:]
    assert (tmp_path / "samenspel.sqlite3").exists()
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    code = subprocess.run(
        [SAMENSPEL, "democode", "regisseur"],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert code.returncode == 0, code.stderr
    assert code.stdout.strip().isdigit()
    assert len(code.stdout.strip()) == 6
    assert (tmp_path / "demo_marker").is_file()


def _samenspel(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SAMENSPEL, *args],
        env=_env(data_dir, **env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_every_command_on_a_demo_folder_works_without_variables(tmp_path: Path) -> None:
    """A newcomer runs the demo, then the commands the docs name, with no SAMENSPEL_ENV set."""
    demo = _samenspel(tmp_path, "demo", "--no-serve")
    assert demo.returncode == 0, demo.stderr

    verify = _samenspel(tmp_path, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert verify.stdout.startswith("OK ")
    assert "Traceback" not in verify.stderr

    helped = _samenspel(tmp_path, "--help")
    assert helped.returncode == 0, helped.stderr
    assert "[audit]" in helped.stdout  # the project's own commands are listed
    assert "Traceback" not in helped.stderr

    token = _samenspel(tmp_path, "apitoken", "create", "regisseur", "--name", "Koppeling X")
    assert token.returncode == 0, token.stderr
    assert "secret:  ssp_" in token.stdout


def test_the_demo_refuses_a_database_it_did_not_make(tmp_path: Path) -> None:
    migrated = _samenspel(tmp_path, "migrate", "-v", "0", SAMENSPEL_ENV="test")
    assert migrated.returncode == 0, migrated.stderr
    demo = _samenspel(tmp_path, "demo", "--no-serve")
    assert demo.returncode == 2
    assert "holds tables that samenspel demo did not make" in demo.stderr
    assert "Traceback" not in demo.stderr
    assert not (tmp_path / "demo_marker").exists()


def test_demo_refuses_production(tmp_path: Path) -> None:
    result = subprocess.run(
        [SAMENSPEL, "demo", "--no-serve"],
        env=_env(
            tmp_path,
            SAMENSPEL_ENV="production",
            SAMENSPEL_SECRET_KEY="x" * 64,
            SAMENSPEL_ALLOWED_HOSTS="example.nl",
        ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "refuses to run with SAMENSPEL_ENV=production" in result.stderr


@pytest.mark.django_db
def test_demo_shows_signals_cases_plans_and_a_transfer_once() -> None:
    from django.core.management import call_command

    from samenspel.accounts.models import User
    from samenspel.audit.events import Event
    from samenspel.audit.models import AuditEvent
    from samenspel.cases import selectors
    from samenspel.cases.models import Case, CaseStatus, Person, Transfer, TransferStatus
    from samenspel.demo import casework, data
    from samenspel.intake import selectors as intake_selectors
    from samenspel.intake.models import Signal, SignalStatus

    data.load()
    counts = (
        Signal.objects.count(),
        Person.objects.count(),
        Case.objects.count(),
        Transfer.objects.count(),
        AuditEvent.objects.count(),
    )
    data.load()
    assert (
        Signal.objects.count(),
        Person.objects.count(),
        Case.objects.count(),
        Transfer.objects.count(),
        AuditEvent.objects.count(),
    ) == counts

    director = User.objects.get(username="regisseur")
    queue = intake_selectors.triage_queue(director)
    assert queue.filter(is_acute=True).exists()
    assert intake_selectors.overdue(queue).exists()
    assert queue.filter(status=SignalStatus.IN_TRIAGE).exists()
    assert Signal.objects.exclude(municipality=director.organisation).exists()

    cases = Case.objects.filter(municipality=director.organisation)
    assert 3 <= cases.count() <= 5
    assert cases.filter(status=CaseStatus.AFTERCARE).count() == 1
    assert all(c.person.family_name in casework.FICTIONAL_NAMES for c in cases)
    police = User.objects.get(username="politie")
    assert selectors.cases_visible_to(police).exists()
    domains = [
        set(c.interventions.values_list("domain", flat=True)) for c in cases.exclude(stage="ST-3")
    ]
    assert {"prevention", "care", "repression"} in domains
    justified = cases.exclude(balance_justification="").get()
    assert set(justified.interventions.values_list("domain", flat=True)) == {"repression"}
    assert justified.stage == "ST-4"

    transfer = Transfer.objects.get(status=TransferStatus.REQUESTED)
    assert transfer.from_municipality == director.organisation
    receiver = User.objects.get(username="weide.regisseur")
    assert list(selectors.incoming_transfers(receiver)) == [transfer]

    assert AuditEvent.objects.filter(event=Event.CASE_OPENED).count() == cases.count()
    call_command("audit", "verify")


@pytest.mark.django_db
def test_demo_has_a_consultation_with_a_held_and_a_planned_meeting_once() -> None:
    from django.utils import timezone

    from samenspel.accounts.models import User
    from samenspel.consultations import selectors
    from samenspel.consultations.models import (
        ActionItem,
        ActionStatus,
        Decision,
        Invitation,
        Meeting,
        MeetingStatus,
        Minutes,
        MinutesStatus,
        Series,
    )
    from samenspel.demo import data

    data.load()
    counts = (Series.objects.count(), Meeting.objects.count(), ActionItem.objects.count())
    data.load()
    assert (Series.objects.count(), Meeting.objects.count(), ActionItem.objects.count()) == counts

    series = Series.objects.get(owner__name="Gemeente Havenstad")
    assert series.chair.username == "regisseur"
    assert series.secretary is not None and series.secretary.username == "adviseur"
    partners = {p.organisation.name: p for p in selectors.partners_of(series)}
    assert partners["Politie-eenheid Rijnmond"].flow == "F-05"
    assert partners["Arrondissementsparket Rijnmond"].flow == "F-08"
    assert partners["GGZ Havenstad"].kind == "case"

    held = Meeting.objects.get(series=series, status=MeetingStatus.APPROVED)
    assert held.starts_at < timezone.now()
    minutes = Minutes.objects.get(meeting=held)
    assert minutes.status == MinutesStatus.APPROVED
    assert minutes.notes.exists()
    kinds = set(Decision.objects.filter(minutes=minutes).values_list("kind", "measure"))
    assert kinds == {("advice", "I-07"), ("decision", "I-07")}
    overdue = ActionItem.objects.get(
        series=series, status=ActionStatus.OPEN, deadline__lt=timezone.localdate()
    )
    assert overdue.owner.username == "politie"
    assert ActionItem.objects.filter(
        series=series, status=ActionStatus.OPEN, deadline__gte=timezone.localdate()
    ).exists()

    planned = Meeting.objects.get(series=series, status=MeetingStatus.PLANNED)
    assert planned.starts_at > timezone.now()
    police = User.objects.get(username="politie")
    rows = selectors.agenda_of(police, planned, record_read=False)
    assert len(rows) >= 2
    invited = Invitation.objects.filter(item__meeting=planned, organisation=police.organisation)
    assert invited.count() == 1  # invited for one item; a case on its team shows as well
    assert not all(r.shown for r in rows)  # and at least one item is "niet voor u"

    # Capacity requests: answered and open ones, from a priority and from other municipalities,
    # so that the statistics page compares them.
    from samenspel.consultations.models import CapacityRequest, CapacityStatus

    requests = CapacityRequest.objects.all()
    assert requests.count() == 6  # a second load added none
    other = requests.filter(priority_municipality=False)
    assert other.filter(status=CapacityStatus.ACCEPTED).exists()
    assert other.filter(status=CapacityStatus.REQUESTED).exists()
    assert requests.filter(priority_municipality=True, answered_at__isnull=False).exists()


@pytest.mark.django_db
def test_demo_has_measures_on_three_grounds_once() -> None:
    from django.core.exceptions import ValidationError

    from samenspel.accounts.models import User
    from samenspel.demo import data
    from samenspel.measures import selectors, services
    from samenspel.measures.models import CaseMeasure, ConsultationKind, MeasureStatus, Review

    data.load()
    counts = (CaseMeasure.objects.count(), Review.objects.count())
    data.load()
    assert (CaseMeasure.objects.count(), Review.objects.count()) == counts

    def user(name: str) -> User:
        return User.objects.with_roles().get(username=name)

    # The passport (state security), decided by the mayor on a summary AIVD report with the
    # verification and the reasons; an objection against it is pending.
    passport = CaseMeasure.objects.get(measure="I-17")
    assert passport.status == MeasureStatus.IN_FORCE
    assert passport.decided_by == user("burgemeester")
    view = selectors.get_measure_for(user("burgemeester"), passport.uuid)
    assert view.dossier is not None
    assert "aivd" in {b.compartment for b in view.dossier.basis}
    assert view.dossier.verifications and view.dossier.dossier.subsidiarity
    assert Review.objects.get(measure=passport).pending
    # The police on the team carry it out: they see the measure, not the dossier.
    assert selectors.get_measure_for(user("politie"), passport.uuid).dossier is None
    # A public-order measure with its local consultation; the minister's reporting duty with
    # the mayor's consultation answered; the prosecution only for the OM.
    conversation = CaseMeasure.objects.get(measure="I-07")
    assert conversation.consultations.filter(kind=ConsultationKind.LOCAL).exists()
    duty = CaseMeasure.objects.get(measure="I-19")
    assert duty.external and duty.external_reference
    assert duty.consultations.get(kind=ConsultationKind.MAYOR).answered_at is not None
    assert duty in selectors.terms_calendar(user("burgemeester"))
    grounds = {g.legal_domain for g in selectors.grounds_of_case(user("officier"), duty.case)}
    assert grounds == {"D-STRAF"}
    # The area ban waits for its dossier: the case director cannot decide it, and the mayor
    # is told what is missing.
    area_ban = CaseMeasure.objects.get(measure="I-23")
    with pytest.raises(ValidationError, match="niet het bevoegd gezag"):
        services.decide_measure(
            area_ban,
            decision_text="Gebiedsverbod.",
            decided_on=None,
            starts_on=None,
            ends_on=None,
            by=user("regisseur"),
        )
    assert {m.part for m in services.missing_for_decision(area_ban)} >= {"verification"}


@pytest.mark.django_db
def test_demo_has_information_in_every_compartment_on_the_passport_case_once() -> None:
    from django.http import Http404

    from samenspel.accounts.models import User
    from samenspel.cases import selectors
    from samenspel.cases.models import InformationItem
    from samenspel.demo import data
    from samenspel.measures.models import BasisItem, CaseMeasure

    data.load()
    count = InformationItem.objects.count()
    data.load()
    assert InformationItem.objects.count() == count

    def user(name: str) -> User:
        return User.objects.with_roles().get(username=name)

    passport = CaseMeasure.objects.get(measure="I-17")
    case = passport.case
    items = {i.compartment: i for i in InformationItem.objects.filter(case=case)}
    assert set(items) == {"police", "om", "aivd", "care", "municipal"}
    recorders = {c: i.created_by.username for c, i in items.items()}
    assert recorders == {
        "police": "politie",
        "om": "officier",
        "aivd": "burgemeester",
        "care": "zorg",
        "municipal": "regisseur",
    }
    # The AIVD summary is the one the passport decision rests on: the same report.
    aivd = items["aivd"]
    basis = BasisItem.objects.get(measure=passport, compartment="aivd")
    assert aivd.kind == "summary" and not aivd.file_name
    assert aivd.text == basis.summary
    assert basis.source.startswith("Ambtsbericht AIVD, kenmerk DEMO-2026-017")
    assert aivd.source.startswith("Ambtsbericht AIVD, kenmerk DEMO-2026-017")
    assert basis.received_on.strftime("%d-%m-%Y") in aivd.source
    # The care item rests on the consent recorded for the GGZ's care line.
    care = items["care"]
    assert care.care_basis == "consent" and care.consent_of is not None
    assert care.consent_of.measure == "I-08" and care.consent_of.consent == "given"
    shared = set(care.consent_of.consent_shared_with.values_list("name", flat=True))
    assert shared == {"Gemeente Havenstad", "GGZ Havenstad"}

    def reads(name: str) -> set[str]:
        found = selectors.information_of(user(name), case, record_read=False)
        return {i.compartment for i in found}

    # Who reads what: the police never the AIVD summary (nor the OM's or the care item).
    assert reads("politie") == {"police"}
    with pytest.raises(Http404):
        selectors.get_information_for(user("politie"), case, aivd.uuid, record_read=False)
    assert reads("officier") == {"om"}
    assert reads("zorg") == {"care"}
    assert reads("regisseur") == {"police", "care", "municipal"}
    assert reads("adviseur") == {"police", "care", "municipal", "aivd"}  # designated
    assert reads("burgemeester") == {"police", "om", "aivd", "care", "municipal"}


@pytest.mark.django_db
def test_demo_has_a_break_the_glass_use_waiting_for_review_once() -> None:
    from samenspel.accounts.models import User
    from samenspel.cases import selectors
    from samenspel.cases.models import BreakGlass
    from samenspel.demo import data

    data.load()
    data.load()
    use = BreakGlass.objects.get()
    assert use.user.username == "politie"
    assert use.pending and not use.is_active
    # A regional partner's liaison, not on the team, with a reason.
    assert use.organisation.type == "police" and use.organisation.region
    assert not use.case.members.filter(user=use.user, removed_at__isnull=True).exists()
    assert use.reason.strip()
    fg = User.objects.with_roles().get(username="fg")
    assert selectors.break_glass_queue(fg) == [use]
    assert selectors.break_glass_pending_count(fg) == 1


# --- A wrong configuration is one line and exit code 2, never a traceback --------------------


def _refused(result: subprocess.CompletedProcess[str], variable: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("samenspel: configuration error: ")
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_production_without_a_secret_key_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = _samenspel(tmp_path, "check", SAMENSPEL_ENV="production")
    _refused(result, "SAMENSPEL_SECRET_KEY")
    assert "SAMENSPEL_SECRET_KEY_FILE" in result.stderr  # how to set it
    assert not (tmp_path / "secret_key").exists()


def test_production_without_hosts_names_the_variable_and_an_example(tmp_path: Path) -> None:
    result = _samenspel(
        tmp_path, "check", SAMENSPEL_ENV="production", SAMENSPEL_SECRET_KEY="k" * 64
    )
    _refused(result, "SAMENSPEL_ALLOWED_HOSTS")
    assert "SAMENSPEL_ALLOWED_HOSTS=samenspel.example.nl" in result.stderr


def test_a_word_that_is_neither_yes_nor_no_is_one_line(tmp_path: Path) -> None:
    result = _samenspel(tmp_path, "--help", SAMENSPEL_ENV="test", SAMENSPEL_SECURE="misschien")
    _refused(result, "SAMENSPEL_SECURE must be true or false")


def test_the_wsgi_application_refuses_a_wrong_configuration_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import samenspel.wsgi"],
        env=_env(tmp_path, SAMENSPEL_ENV="production"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    _refused(result, "SAMENSPEL_SECRET_KEY")


def test_commands_do_not_load_weasyprint_until_a_pdf_is_made(tmp_path: Path) -> None:
    # WeasyPrint takes most of a second to import: `samenspel democode` and the other commands
    # load the URLs (and so every view) without it.
    code = (
        "import sys, django; django.setup(); import samenspel.urls; "
        "print('weasyprint' in sys.modules)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "samenspel.settings",
        "SAMENSPEL_DATA_DIR": str(tmp_path),
        "SAMENSPEL_ENV": "test",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "False"
