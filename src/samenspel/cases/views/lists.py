"""The case list."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from samenspel.accounts.selectors import request_user
from samenspel.cases import selectors
from samenspel.cases.forms import CaseFilterForm
from samenspel.cases.models import CaseStatus
from samenspel.cases.views._common import _form_status
from samenspel.sharing.policy import allowed

PAGE_SIZE = 100


# --- Case list --------------------------------------------------------------------------------


@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    """List the cases the user may see, by status, with a search."""
    me = request_user(request)
    form = CaseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or CaseStatus.OPEN
    mine, search = bool(data.get("mine")), data.get("q") or ""
    cases = selectors.case_list(me, status=status, mine=mine, query=search)
    counts = selectors.count_cases(me)
    paginator = Paginator(cases, PAGE_SIZE)
    if not mine and not search:
        paginator.count = counts.get(status, 0)  # the tabs counted these already
    page = paginator.get_page(request.GET.get("pagina"))
    selectors.name_stages(list(page.object_list))
    selectors.record_list_read(me, len(page.object_list))
    query = request.GET.copy()
    query.pop("pagina", None)
    tabs = [
        {
            "value": value,
            "label": label,
            "count": counts.get(value, 0),
            "current": value == status,
            "url": f"?status={value}",
        }
        for value, label in CaseStatus.choices
    ]
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "tabs": tabs,
            "status": status,
            "query": query.urlencode(),
            "may_break_glass": allowed(me, "case.break_glass"),
        },
        status=_form_status(form),
    )
