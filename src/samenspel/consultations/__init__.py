"""Case consultations (casusoverleg): series, meetings, agenda, minutes, actions, capacity."""
