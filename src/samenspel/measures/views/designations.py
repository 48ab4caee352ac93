"""The mayor's designations: officials who read the mayor's dossiers and AIVD summaries.

Only the mayor of a municipality manages them (`designation.manage`); anyone else gets a 404.
The page lists staff of the mayor's own municipality and their designations, no case data;
the read is audited by `selectors.designations_of` (who reads the mayor's dossiers is worth
knowing afterwards), and only when the page is shown.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenspel.accounts.models import Organisation, User
from samenspel.accounts.selectors import request_user
from samenspel.measures import selectors, services
from samenspel.measures.forms import DesignateForm
from samenspel.sharing.policy import Denied, allowed


def _municipality(me: User) -> Organisation:
    municipality = me.organisation
    if not allowed(me, "designation.manage", within=municipality):
        raise Denied("measures.designation", "", exists=False)
    return municipality


def designations(request: HttpRequest) -> HttpResponse:
    """List the mayor's designations and designate an official."""
    me = request_user(request)
    municipality = _municipality(me)
    people = {
        str(u.uuid): u for u in selectors.designation_candidates(municipality, undesignated=True)
    }
    form = DesignateForm(
        request.POST or None, people=[(key, u.full_name) for key, u in people.items()]
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.designate(
                municipality,
                user=people.get(form.cleaned_data["user"]),
                reason=form.cleaned_data["reason"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("De ambtenaar is aangewezen en leest vanaf nu uw besluitdossiers.")
            )
            return redirect("measures:designations")
    return render(
        request,
        "measures/designations.html",
        {
            "rows": selectors.designations_of(me, municipality),
            "form": form,
            "municipality": municipality,
        },
        status=400 if form.errors else 200,
    )


@require_POST
def designation_end(request: HttpRequest, designation_uuid: uuid.UUID) -> HttpResponse:
    """End a designation; the official's access ends at once."""
    me = request_user(request)
    municipality = _municipality(me)
    designation = selectors.get_designation(me, municipality, designation_uuid)
    services.end_designation(designation, by=me)
    messages.success(
        request,
        _("De aanwijzing van %(name)s is beëindigd.") % {"name": designation.user.full_name},
    )
    return redirect("measures:designations")
