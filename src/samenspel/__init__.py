"""Samenspel: multi-agency case coordination for the Dutch approach to radicalisation."""

__version__ = "0.1.0"
