"""Forms of the consultation and capacity pages."""
