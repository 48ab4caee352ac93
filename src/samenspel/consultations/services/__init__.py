"""Change consultations: series, meetings and their agenda, minutes, actions, and capacity.

Each change is a service that checks the access policy, runs in one transaction and audits
itself; notifications go through the outbox (notifications.services.notify).
"""

from samenspel.consultations.services._common import *  # noqa: F403
from samenspel.consultations.services.actions import *  # noqa: F403
from samenspel.consultations.services.agenda import *  # noqa: F403
from samenspel.consultations.services.capacity import *  # noqa: F403
from samenspel.consultations.services.minutes import *  # noqa: F403
from samenspel.consultations.services.series import *  # noqa: F403
