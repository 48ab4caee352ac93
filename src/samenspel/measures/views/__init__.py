"""The measure pages: a case's measures by ground, one measure with its dossier, the terms
calendar and the mayor's designations (see measures/urls.py)."""
