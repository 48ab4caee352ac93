"""Pages over the framework under /kader/: who does what, actors, stages, measures, routing,
search, the version history and the printable course of action.

Framework content is shared reference data, not personal data, so reading it writes no audit
record. Publishing, withdrawing and deleting a version go through the services, which audit.
"""
