"""JSON endpoints for the measure register of a case and the decision dossier behind a measure.

Every read goes through `measures.selectors` (which filters by the access policy and audits
it), every change through `measures.services`. A measure's row and its dossier have rules of
their own: a reader of the measure who may not read its dossier gets `dossier: null`. The
decisions (advise, move, decide, record, withdraw, end, answer the minister) claim the measure
while it is still open: the loser of a race answers 409. The reasons are an edit: If-Match
carries the dossier's version, its ETag.

`schemas` holds the request and answer bodies and their converters, `endpoints` the routes:
`router` under /measures, `case_router` (the register of one case) under /cases; `letters`
adds the decision letter as PDF to `router`.
"""

from samenspel.api.measures import letters as _letters  # noqa: F401 - adds its route
from samenspel.api.measures.endpoints import case_router, router

__all__ = ["case_router", "router"]
