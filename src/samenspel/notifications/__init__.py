"""Notifications in the app and by mail, written with the change and delivered by the worker."""
