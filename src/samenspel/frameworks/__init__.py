"""The framework as versioned data: actors, stages, legal domains, measures, RACI, routing."""
