"""Organisations (tenants), users, roles and second factors."""
