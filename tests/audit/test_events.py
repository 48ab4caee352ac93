"""Event codes are stable: a code keeps its name forever and is never reused."""

from __future__ import annotations

from samenspel.audit.events import Event, Outcome, Purpose

# Every code that ever existed, with its name. Append new codes here; never edit or remove a line
# (a removed event stays in this list so that its code is never given to another event).
FROZEN_EVENTS = [
    (101, "LOGIN_SUCCEEDED"),
    (102, "LOGIN_FAILED"),
    (103, "LOGIN_LOCKED_OUT"),
    (104, "LOGOUT"),
    (105, "SESSION_EXPIRED"),
    (106, "SSO_LOGIN_SUCCEEDED"),
    (107, "SSO_LOGIN_FAILED"),
    (201, "MFA_ENROLLED"),
    (202, "MFA_VERIFIED"),
    (203, "MFA_FAILED"),
    (204, "RECOVERY_CODE_USED"),
    (205, "RECOVERY_CODES_CREATED"),
    (206, "MFA_RESET"),
    (301, "ORGANISATION_CREATED"),
    (302, "ORGANISATION_CHANGED"),
    (303, "USER_CREATED"),
    (304, "USER_CHANGED"),
    (305, "USER_DISABLED"),
    (306, "USER_ENABLED"),
    (307, "ROLES_CHANGED"),
    (308, "PASSWORD_CHANGED"),
    (309, "PASSWORD_SET_BY_ADMIN"),
    (401, "PAGE_VIEWED"),
    (402, "ORGANISATION_LIST_VIEWED"),
    (403, "ORGANISATION_VIEWED"),
    (404, "USER_LIST_VIEWED"),
    (405, "USER_VIEWED"),
    (406, "AUDIT_LOG_VIEWED"),
    (407, "AUDIT_RECORD_VIEWED"),
    (501, "AUDIT_EXPORTED"),
    (502, "AUDIT_CHECKPOINT_WRITTEN"),
    (503, "AUDIT_VERIFIED"),
    (504, "CASE_EXPORTED"),
    (505, "CASE_LIST_EXPORTED"),
    (601, "ACCESS_DENIED"),
    (602, "NOT_FOUND"),
    (603, "CSRF_FAILED"),
    (604, "BAD_REQUEST"),
    (605, "PERMISSION_DENIED"),
    (606, "SERVER_ERROR"),
    (701, "DEMO_LOADED"),
    (801, "FRAMEWORK_LOADED"),
    (802, "FRAMEWORK_PUBLISHED"),
    (803, "FRAMEWORK_WITHDRAWN"),
    (804, "FRAMEWORK_DELETED"),
    (805, "FRAMEWORK_REFUSED"),
    (901, "SIGNAL_SUBMITTED"),
    (902, "SIGNAL_VIEWED"),
    (903, "SIGNAL_PICKED_UP"),
    (904, "SIGNAL_TRIAGED"),
    (905, "SIGNAL_QUEUE_VIEWED"),
    (906, "ATTACHMENT_DOWNLOADED"),
    (907, "PERSON_CANDIDATES_SEARCHED"),
    (908, "TRIAGE_SEAT_ADDED"),
    (909, "TRIAGE_SEAT_REMOVED"),
    (910, "SIGNALS_MOVED"),
    (1001, "PERSON_CREATED"),
    (1002, "CASE_OPENED"),
    (1003, "CASE_VIEWED"),
    (1004, "CASE_LIST_VIEWED"),
    (1005, "CASE_STAGE_CHANGED"),
    (1006, "CASE_PHASE_CHANGED"),
    (1007, "CASE_TRACKS_CHANGED"),
    (1008, "CASE_MEMBER_ADDED"),
    (1009, "CASE_MEMBER_REMOVED"),
    (1010, "INTERVENTION_ADDED"),
    (1011, "INTERVENTION_CHANGED"),
    (1012, "PLAN_BALANCE_JUSTIFIED"),
    (1013, "CASE_CLOSED"),
    (1014, "CASE_REOPENED"),
    (1015, "TRANSFER_REQUESTED"),
    (1016, "TRANSFER_ACCEPTED"),
    (1017, "TRANSFER_DECLINED"),
    (1018, "TRANSFER_CANCELLED"),
    (1019, "CASE_HISTORY_VIEWED"),
    (1020, "PERSON_VIEWED"),
    (1021, "CASE_EDIT_CONFLICT"),
    (1022, "PERSON_REMOVED"),
    (1023, "DECISION_CONFLICT"),
    (1101, "API_TOKEN_CREATED"),
    (1102, "API_TOKEN_REVOKED"),
    (1201, "NOTIFICATION_LIST_VIEWED"),
    (1202, "NOTIFICATION_OPENED"),
    (1203, "NOTIFICATION_READ"),
    (1204, "NOTIFICATIONS_ALL_READ"),
    (1205, "NOTIFICATION_SETTINGS_CHANGED"),
    (1206, "NOTIFICATION_MAILED"),
    (1207, "NOTIFICATION_DROPPED"),
    (1208, "NOTIFICATION_MAIL_FAILED"),
    (1301, "SERIES_CREATED"),
    (1302, "SERIES_CHANGED"),
    (1303, "SERIES_PARTNER_ADDED"),
    (1304, "SERIES_PARTNER_REMOVED"),
    (1305, "MEETING_PLANNED"),
    (1306, "MEETING_CHANGED"),
    (1307, "AGENDA_PROPOSED"),
    (1308, "AGENDA_ITEM_ADDED"),
    (1309, "AGENDA_ITEM_REMOVED"),
    (1310, "AGENDA_REORDERED"),
    (1311, "AGENDA_CONFIRMED"),
    (1312, "PARTNER_INVITED"),
    (1313, "CASE_NOMINATED"),
    (1314, "MEETING_HELD"),
    (1315, "MINUTES_WRITTEN"),
    (1316, "DECISION_RECORDED"),
    (1317, "DECISION_REFUSED"),
    (1318, "MINUTES_FOR_COMMENT"),
    (1319, "MINUTES_APPROVED"),
    (1320, "MINUTES_CORRECTED"),
    (1321, "ACTION_CREATED"),
    (1322, "ACTION_CLOSED"),
    (1323, "ACTION_CHANGED"),
    (1330, "SERIES_VIEWED"),
    (1331, "MEETING_VIEWED"),
    (1332, "AGENDA_ITEM_VIEWED"),
    (1333, "ACTION_LIST_VIEWED"),
    (1334, "MEETING_EXPORTED"),
    (1340, "CAPACITY_REQUESTED"),
    (1341, "CAPACITY_ACCEPTED"),
    (1342, "CAPACITY_OTHER_DATE"),
    (1343, "CAPACITY_DECLINED"),
    (1344, "CAPACITY_WITHDRAWN"),
    (1345, "CAPACITY_ESCALATED"),
    (1346, "CAPACITY_VIEWED"),
    (1347, "CAPACITY_LIST_VIEWED"),
    (1348, "CAPACITY_STATISTICS_VIEWED"),
    (1349, "CAPACITY_STATISTICS_EXPORTED"),
    (1401, "MEASURE_PROPOSED"),
    (1402, "MEASURE_ADVISED"),
    (1403, "MEASURE_STAGE_CHANGED"),
    (1404, "MEASURE_BASIS_ADDED"),
    (1405, "MEASURE_VERIFIED"),
    (1406, "MEASURE_REASONS_SAVED"),
    (1407, "MEASURE_CONSULTED"),
    (1408, "MEASURE_CONSULTATION_ANSWERED"),
    (1409, "MEASURE_DECIDED"),
    (1410, "MEASURE_DECISION_REFUSED"),
    (1411, "MEASURE_EXTERNAL_RECORDED"),
    (1412, "MEASURE_WITHDRAWN"),
    (1413, "MEASURE_ENDED"),
    (1414, "MEASURE_EXTENSION_PROPOSED"),
    (1415, "MEASURE_REVIEW_FILED"),
    (1416, "MEASURE_REVIEW_REFUSED"),
    (1417, "MEASURE_REVIEW_DECIDED"),
    (1420, "MEASURE_VIEWED"),
    (1421, "MEASURE_LIST_VIEWED"),
    (1430, "DESIGNATION_MADE"),
    (1431, "DESIGNATION_ENDED"),
    (1432, "DESIGNATIONS_VIEWED"),
    (1440, "MEASURE_LETTER_EXPORTED"),
    (1501, "BREAK_GLASS_OPENED"),
    (1502, "BREAK_GLASS_REFUSED"),
    (1503, "BREAK_GLASS_REVIEWED"),
    (1504, "BREAK_GLASS_QUEUE_VIEWED"),
    (1601, "INFORMATION_RECORDED"),
    (1602, "INFORMATION_REFUSED"),
    (1603, "INFORMATION_LISTED"),
    (1604, "INFORMATION_VIEWED"),
    (1605, "INFORMATION_FILE_DOWNLOADED"),
    (1606, "CONSENT_WITHDRAWN"),
    (108, "API_UNAUTHENTICATED"),
    (607, "METHOD_NOT_ALLOWED"),
]
# Stored as text in every record and covered by its hash.
FROZEN_PURPOSES = [
    "authentication",
    "administration",
    "collaboration",
    "audit_review",
    "security",
    "system",
    "framework_management",
    "signal_intake",
    "case_work",
]
FROZEN_OUTCOMES = ["success", "denied", "failure"]


def test_no_code_disappears_or_changes_its_name() -> None:
    current = {member.value: member.name for member in Event}
    changed = [
        (code, name, current.get(code)) for code, name in FROZEN_EVENTS if current.get(code) != name
    ]
    assert changed == [], "event codes must keep their names: (code, was, is)"


def test_no_two_names_share_a_code() -> None:
    # An enum turns a second name for a value into an alias, which iteration hides.
    aliases = [name for name, member in Event.__members__.items() if member.name != name]
    assert aliases == []
    codes = [code for code, _ in FROZEN_EVENTS]
    assert len(codes) == len(set(codes))


def test_purposes_and_outcomes_keep_their_stored_values() -> None:
    assert set(FROZEN_PURPOSES) <= {p.value for p in Purpose}
    assert set(FROZEN_OUTCOMES) <= {o.value for o in Outcome}


def test_every_event_is_frozen() -> None:
    # A new code joins FROZEN_EVENTS in the same commit, so it can never change afterwards.
    frozen = {code for code, _ in FROZEN_EVENTS}
    assert sorted(member.value for member in Event if member.value not in frozen) == []
    assert sorted(p.value for p in Purpose if p.value not in set(FROZEN_PURPOSES)) == []
