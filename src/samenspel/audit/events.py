"""Stable audit event codes and purposes. A code is never reused, not even after removal."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.IntegerChoices):
    """What happened. Ranges: 1xx login, 2xx second factor, 3xx administration,
    4xx reads, 5xx exports and log maintenance, 6xx denials and errors, 7xx system,
    8xx frameworks, 9xx signals and triage, 10xx cases, 11xx API tokens, 12xx notifications."""

    LOGIN_SUCCEEDED = 101, _("Inloggen met wachtwoord gelukt")
    LOGIN_FAILED = 102, _("Inloggen mislukt")
    LOGIN_LOCKED_OUT = 103, _("Inloggen geblokkeerd na te veel pogingen")
    LOGOUT = 104, _("Uitgelogd")
    SESSION_EXPIRED = 105, _("Sessie verlopen")
    SSO_LOGIN_SUCCEEDED = 106, _("Inloggen met SSO gelukt")
    SSO_LOGIN_FAILED = 107, _("Inloggen met SSO mislukt")
    API_UNAUTHENTICATED = 108, _("API-verzoek zonder geldige sleutel")

    MFA_ENROLLED = 201, _("Tweede factor ingesteld")
    MFA_VERIFIED = 202, _("Tweede factor gecontroleerd")
    MFA_FAILED = 203, _("Tweede factor onjuist")
    RECOVERY_CODE_USED = 204, _("Herstelcode gebruikt")
    RECOVERY_CODES_CREATED = 205, _("Nieuwe herstelcodes gemaakt")
    MFA_RESET = 206, _("Tweede factor opnieuw ingesteld door beheerder")

    ORGANISATION_CREATED = 301, _("Organisatie aangemaakt")
    ORGANISATION_CHANGED = 302, _("Organisatie gewijzigd")
    USER_CREATED = 303, _("Gebruiker aangemaakt")
    USER_CHANGED = 304, _("Gebruiker gewijzigd")
    USER_DISABLED = 305, _("Gebruiker uitgeschakeld")
    USER_ENABLED = 306, _("Gebruiker ingeschakeld")
    ROLES_CHANGED = 307, _("Rollen gewijzigd")
    PASSWORD_CHANGED = 308, _("Wachtwoord gewijzigd")
    PASSWORD_SET_BY_ADMIN = 309, _("Wachtwoord ingesteld door beheerder")

    PAGE_VIEWED = 401, _("Pagina bekeken")
    ORGANISATION_LIST_VIEWED = 402, _("Lijst van organisaties bekeken")
    ORGANISATION_VIEWED = 403, _("Organisatie bekeken")
    USER_LIST_VIEWED = 404, _("Lijst van gebruikers bekeken")
    USER_VIEWED = 405, _("Gebruiker bekeken")
    AUDIT_LOG_VIEWED = 406, _("Logboek bekeken")
    AUDIT_RECORD_VIEWED = 407, _("Logregel bekeken")

    AUDIT_EXPORTED = 501, _("Logboek geëxporteerd")
    AUDIT_CHECKPOINT_WRITTEN = 502, _("Controlepunt van het logboek geschreven")
    AUDIT_VERIFIED = 503, _("Logboek gecontroleerd")
    CASE_EXPORTED = 504, _("Casus geëxporteerd als pdf")
    CASE_LIST_EXPORTED = 505, _("Lijst van casussen geëxporteerd")

    ACCESS_DENIED = 601, _("Toegang geweigerd")
    NOT_FOUND = 602, _("Pagina niet gevonden")
    CSRF_FAILED = 603, _("Formulier geweigerd (CSRF)")
    BAD_REQUEST = 604, _("Ongeldig verzoek")
    PERMISSION_DENIED = 605, _("Handeling niet toegestaan")
    SERVER_ERROR = 606, _("Fout op de server")
    METHOD_NOT_ALLOWED = 607, _("Methode niet toegestaan")

    DEMO_LOADED = 701, _("Demogegevens geladen")

    FRAMEWORK_LOADED = 801, _("Kaderversie geladen als concept")
    FRAMEWORK_PUBLISHED = 802, _("Kaderversie gepubliceerd")
    FRAMEWORK_WITHDRAWN = 803, _("Kaderversie ingetrokken")
    FRAMEWORK_DELETED = 804, _("Conceptversie van kader verwijderd")
    FRAMEWORK_REFUSED = 805, _("Wijziging van kaderversie geweigerd")

    SIGNAL_SUBMITTED = 901, _("Signaal gemeld")
    SIGNAL_VIEWED = 902, _("Signaal bekeken")
    SIGNAL_PICKED_UP = 903, _("Signaal opgepakt")
    SIGNAL_TRIAGED = 904, _("Signaal gewogen")
    SIGNAL_QUEUE_VIEWED = 905, _("Weeglijst bekeken")
    ATTACHMENT_DOWNLOADED = 906, _("Bijlage gedownload")
    PERSON_CANDIDATES_SEARCHED = 907, _("Gezocht naar bekende personen")
    TRIAGE_SEAT_ADDED = 908, _("Lid aan de weegploeg toegevoegd")
    TRIAGE_SEAT_REMOVED = 909, _("Lid uit de weegploeg gehaald")
    SIGNALS_MOVED = 910, _("Signalen met hun casus naar een andere gemeente verplaatst")

    PERSON_CREATED = 1001, _("Persoon geregistreerd")
    CASE_OPENED = 1002, _("Casus geopend")
    CASE_VIEWED = 1003, _("Casus bekeken")
    CASE_LIST_VIEWED = 1004, _("Lijst van casussen bekeken")
    CASE_STAGE_CHANGED = 1005, _("Processtap van casus gewijzigd")
    CASE_PHASE_CHANGED = 1006, _("Fase van casus gewijzigd")
    CASE_TRACKS_CHANGED = 1007, _("Sporen van casus gewijzigd")
    CASE_MEMBER_ADDED = 1008, _("Teamlid toegevoegd")
    CASE_MEMBER_REMOVED = 1009, _("Teamlid verwijderd")
    INTERVENTION_ADDED = 1010, _("Interventie toegevoegd")
    INTERVENTION_CHANGED = 1011, _("Interventie gewijzigd")
    PLAN_BALANCE_JUSTIFIED = 1012, _("Balans van het plan onderbouwd")
    CASE_CLOSED = 1013, _("Casus gesloten")
    CASE_REOPENED = 1014, _("Casus heropend")
    TRANSFER_REQUESTED = 1015, _("Overdracht aangevraagd")
    TRANSFER_ACCEPTED = 1016, _("Overdracht geaccepteerd")
    TRANSFER_DECLINED = 1017, _("Overdracht afgewezen")
    TRANSFER_CANCELLED = 1018, _("Overdracht ingetrokken")
    CASE_HISTORY_VIEWED = 1019, _("Geschiedenis van casus bekeken")
    PERSON_VIEWED = 1020, _("Persoon bekeken")
    CASE_EDIT_CONFLICT = 1021, _("Wijziging geweigerd: intussen door een ander gewijzigd")
    PERSON_REMOVED = 1022, _("Persoon verwijderd: geen casus of signaal meer")
    DECISION_CONFLICT = 1023, _("Beslissing geweigerd: een ander besliste eerder")

    API_TOKEN_CREATED = 1101, _("API-sleutel gemaakt")
    API_TOKEN_REVOKED = 1102, _("API-sleutel ingetrokken")

    NOTIFICATION_LIST_VIEWED = 1201, _("Berichten bekeken")
    NOTIFICATION_OPENED = 1202, _("Bericht geopend")
    NOTIFICATION_READ = 1203, _("Bericht gelezen")
    NOTIFICATIONS_ALL_READ = 1204, _("Alle berichten gelezen")
    NOTIFICATION_SETTINGS_CHANGED = 1205, _("E-mailkeuzes voor berichten gewijzigd")
    NOTIFICATION_MAILED = 1206, _("Bericht gemaild")
    NOTIFICATION_DROPPED = 1207, _("Bericht niet gemaild: ontvanger niet bereikbaar")
    NOTIFICATION_MAIL_FAILED = 1208, _("Bericht niet gemaild: te vaak mislukt")


class Outcome(models.TextChoices):
    SUCCESS = "success", _("gelukt")
    DENIED = "denied", _("geweigerd")
    FAILURE = "failure", _("mislukt")


class Purpose(models.TextChoices):
    """Why data was processed: the processing activity in the register (doelbinding)."""

    AUTHENTICATION = "authentication", _("Inloggen en sessies")
    ADMINISTRATION = "administration", _("Beheer van organisaties en gebruikers")
    COLLABORATION = "collaboration", _("Samenwerken met partners")
    AUDIT_REVIEW = "audit_review", _("Toezicht op het logboek")
    SECURITY = "security", _("Beveiliging")
    SYSTEM = "system", _("Systeembeheer")
    FRAMEWORK_MANAGEMENT = "framework_management", _("Beheer van kaders")
    SIGNAL_INTAKE = "signal_intake", _("Signalen melden en wegen")
    CASE_WORK = "case_work", _("Persoonsgerichte aanpak: casus en plan")
