"""Change consultations: series, meetings, agenda, minutes, actions (meetings) and capacity.

Each change is a service that checks the access policy, runs in one transaction and audits
itself; notifications go through the outbox (notifications.services.notify).
"""

from samenspel.consultations.services.capacity import *  # noqa: F403
from samenspel.consultations.services.meetings import *  # noqa: F403
