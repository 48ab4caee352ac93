"""The JSON API (Django Ninja) over the same selectors and services as the web pages."""
