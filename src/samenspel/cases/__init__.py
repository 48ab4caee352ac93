"""Persons, cases, case plans, case teams and transfers."""
