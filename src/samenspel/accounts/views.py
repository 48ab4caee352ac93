"""Pages for the own account, API keys, organisations and users (administration)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from samenspel.accounts import selectors, services
from samenspel.accounts.forms import (
    ApiTokenForm,
    ChangePasswordForm,
    OrganisationForm,
    PasswordConfirmForm,
    SetPasswordForm,
    UserForm,
)
from samenspel.accounts.models import Organisation, RecoveryCodeDevice, Role, User
from samenspel.accounts.selectors import is_verified
from samenspel.accounts.selectors import request_user as _me
from samenspel.sharing.policy import Action, Denied, allowed

# --- Own account --------------------------------------------------------------------------


def account(request: HttpRequest) -> HttpResponse:
    """Show the user's own account: password, second factor, recovery codes."""
    me = _me(request)
    password_form = ChangePasswordForm(request.POST or None, prefix="pw")
    if request.method == "POST" and password_form.is_valid():
        try:
            services.change_own_password(
                me,
                old_password=password_form.cleaned_data["old_password"],
                new_password=password_form.cleaned_data["new_password"],
            )
        except ValidationError as exc:
            password_form.add_service_errors(exc)
        else:
            update_session_auth_hash(request, me)
            messages.success(request, _("Uw wachtwoord is gewijzigd."))
            return redirect("web:account")
    selectors.own_account(me, page="account")
    device = RecoveryCodeDevice.objects.filter(user=me).first()
    return render(
        request,
        "web/account.html",
        {
            "password_form": password_form,
            "codes_left": device.unused_count() if device else 0,
            "codes_form": PasswordConfirmForm(prefix="codes"),
            "me_roles": [Role(r).label for r in sorted(me.role_set)],
        },
        status=400 if password_form.errors else 200,
    )


@require_POST
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Make new recovery codes after the user confirms with their password."""
    me = _me(request)
    form = PasswordConfirmForm(request.POST, prefix="codes")
    if form.is_valid() and me.check_password(form.cleaned_data["password"]):
        codes = services.create_recovery_codes(me)
        return render(request, "web/recovery_codes.html", {"codes": codes, "first_time": False})
    messages.error(
        request, _("Uw wachtwoord klopt niet. Er zijn geen nieuwe herstelcodes gemaakt.")
    )
    return redirect("web:account")


# --- Own API keys --------------------------------------------------------------------------


def api_tokens(request: HttpRequest) -> HttpResponse:
    """List the user's own API keys and make a new one; its secret is shown only once."""
    me = _me(request)
    if not is_verified(me):  # a key outlives the session: only a verified login may make one
        raise PermissionDenied
    form = ApiTokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = services.create_api_token(
                me, name=form.cleaned_data["name"], days=form.cleaned_data["days"], by=me
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            form = ApiTokenForm()
    selectors.own_account(me, page="api_tokens")
    return render(
        request,
        "web/api_tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": list(selectors.api_tokens_of(me)),
            "now": timezone.now(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def api_token_revoke(request: HttpRequest, token_uuid: uuid.UUID) -> HttpResponse:
    """Revoke one of the user's own API keys at once."""
    me = _me(request)
    token = selectors.get_api_token_for(me, token_uuid, Action.MANAGE)
    services.revoke_api_token(token, by=me)
    messages.success(request, _("De API-sleutel %(name)s is ingetrokken.") % {"name": token.name})
    return redirect("web:api_tokens")


# --- Organisations ------------------------------------------------------------------------


def organisation_list(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    organisations = selectors.organisation_list(me)
    return render(
        request,
        "web/organisation_list.html",
        {"organisations": organisations, "can_create": allowed(me, "organisation.create")},
    )


def organisation_detail(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    me = _me(request)
    org = selectors.get_organisation_for(me, org_uuid, record_read=True)
    users = list(selectors.users_visible_to(me).filter(organisation=org))
    can_manage = selectors.organisations_visible_to(me, Action.MANAGE).filter(pk=org.pk).exists()
    return render(
        request,
        "web/organisation_detail.html",
        {
            "org": org,
            "users": users,
            "can_manage": can_manage,
            "can_add_users": _can_add_users(me, org),
        },
    )


def _can_add_users(me: User, org: Organisation) -> bool:
    if not org.can_have_users:
        return False
    return allowed(me, "user.create", within=org)


def organisation_create(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if not allowed(me, "organisation.create"):
        raise Denied("accounts.organisation", "new", exists=False)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_organisation(
                name=form.cleaned_data["name"],
                type=form.cleaned_data["type"],
                region=form.cleaned_data["region"],
                is_priority=form.cleaned_data["is_priority"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("De organisatie is aangemaakt."))
            return redirect("web:organisation_detail", org_uuid=org.uuid)
    del form.fields["is_active"]
    selectors.record_page_read(me, page="organisation_create")
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": _("Nieuwe organisatie"), "submit": _("Organisatie aanmaken")},
        status=400 if form.errors else 200,
    )


def organisation_edit(request: HttpRequest, org_uuid: uuid.UUID) -> HttpResponse:
    me = _me(request)
    org = selectors.get_organisation_for(me, org_uuid, Action.MANAGE, record_read=True, page="edit")
    initial = {
        "name": org.name,
        "type": org.type,
        "region": org.region,
        "is_priority": org.is_priority,
        "is_active": org.is_active,
    }
    form = OrganisationForm(request.POST or None, initial=initial)
    form.fields["type"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.change_organisation(
                org,
                name=form.cleaned_data["name"],
                region=form.cleaned_data["region"],
                is_priority=form.cleaned_data["is_priority"],
                is_active=form.cleaned_data["is_active"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("De organisatie is opgeslagen."))
            return redirect("web:organisation_detail", org_uuid=org.uuid)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": _("Organisatie wijzigen: %(name)s") % {"name": org.name},
            "submit": _("Opslaan"),
        },
        status=400 if form.errors else 200,
    )


# --- Users --------------------------------------------------------------------------------


def user_list(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    users = selectors.user_list(me)
    return render(
        request,
        "web/user_list.html",
        {
            "users": users,
            "can_create": allowed(me, "user.create"),
        },
    )


def user_detail(request: HttpRequest, user_uuid: uuid.UUID) -> HttpResponse:
    me = _me(request)
    person = selectors.get_user_for(me, user_uuid, record_read=True)
    can_manage = selectors.users_visible_to(me, Action.MANAGE).filter(pk=person.pk).exists()
    return render(
        request,
        "web/user_detail.html",
        {
            "person": person,
            "roles": [Role(r).label for r in selectors.roles_of(person)],
            "can_manage": can_manage,
            "has_totp": services.confirmed_totp_device(person) is not None if can_manage else None,
            "password_form": SetPasswordForm() if can_manage else None,
        },
    )


def _manageable_organisations(me: User) -> Any:
    organisations = selectors.organisations_visible_to(me).filter(is_active=True)
    return organisations.filter(
        pk__in=[org.pk for org in organisations if allowed(me, "user.create", within=org)]
    )


def user_create(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    if not allowed(me, "user.create"):
        raise Denied("accounts.user", "new", exists=False)
    form = UserForm(
        request.POST or None,
        organisations=_manageable_organisations(me),
        national=allowed(me, "user.appoint_national_admin"),
        initial={"organisation": me.organisation.uuid},
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_user(
                organisation=form.cleaned_data["organisation"],
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                roles=form.cleaned_data["roles"],
                password=form.cleaned_data["password"],
                oidc_subject=form.cleaned_data["oidc_subject"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("De gebruiker is aangemaakt."))
            return redirect("web:user_detail", user_uuid=person.uuid)
    selectors.record_page_read(me, page="user_create")
    return render(
        request,
        "web/form_page.html",
        {"form": form, "title": _("Nieuwe gebruiker"), "submit": _("Gebruiker aanmaken")},
        status=400 if form.errors else 200,
    )


def user_edit(request: HttpRequest, user_uuid: uuid.UUID) -> HttpResponse:
    me = _me(request)
    person = selectors.get_user_for(me, user_uuid, Action.MANAGE, record_read=True, page="edit")
    initial = {
        "full_name": person.full_name,
        "email": person.email,
        "roles": selectors.roles_of(person),
        "oidc_subject": person.oidc_subject,
    }
    form = UserForm(
        request.POST or None,
        initial=initial,
        organisations=Organisation.objects.none(),
        national=allowed(me, "user.appoint_national_admin"),
        editing=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_user(
                person,
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                roles=form.cleaned_data["roles"],
                oidc_subject=form.cleaned_data["oidc_subject"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("De gebruiker is opgeslagen."))
            return redirect("web:user_detail", user_uuid=person.uuid)
    return render(
        request,
        "web/form_page.html",
        {
            "form": form,
            "title": _("Gebruiker wijzigen: %(name)s") % {"name": person.full_name},
            "submit": _("Opslaan"),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def user_action(request: HttpRequest, user_uuid: uuid.UUID, action: str) -> HttpResponse:
    """Disable, enable, reset the second factor of, or set the password of a user."""
    me = _me(request)
    person = selectors.get_user_for(me, user_uuid, Action.MANAGE)
    try:
        if action == "uitschakelen":
            services.disable_user(person, by=me)
            messages.success(
                request, _("De gebruiker is uitgeschakeld. Alle sessies zijn beëindigd.")
            )
        elif action == "inschakelen":
            services.enable_user(person, by=me)
            messages.success(request, _("De gebruiker is weer ingeschakeld."))
        elif action == "tweede-factor-opnieuw":
            services.reset_second_factor(person, by=me)
            messages.success(
                request,
                _(
                    "De tweede factor is verwijderd. De gebruiker stelt die opnieuw in "
                    "bij de volgende keer inloggen."
                ),
            )
        elif action == "wachtwoord":
            form = SetPasswordForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Vul een nieuw wachtwoord in."))
            services.set_password_by_admin(person, password=form.cleaned_data["password"], by=me)
            messages.success(
                request,
                _("Het wachtwoord is ingesteld. Alle sessies van de gebruiker zijn beëindigd."),
            )
        else:
            raise Denied("accounts.user", str(person.uuid), exists=True)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("web:user_detail", user_uuid=person.uuid)
