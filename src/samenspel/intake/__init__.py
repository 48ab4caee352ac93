"""Signals (meldingen) and triage (weging)."""
