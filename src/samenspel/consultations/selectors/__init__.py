"""Read consultations through the access policy; reads of person data are audited here."""

from samenspel.consultations.selectors.capacity import *  # noqa: F403
from samenspel.consultations.selectors.exports import *  # noqa: F403
from samenspel.consultations.selectors.meetings import *  # noqa: F403
