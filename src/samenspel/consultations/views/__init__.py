"""Pages of case consultations (casusoverleg) and capacity requests."""
