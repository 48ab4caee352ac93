"""The one access policy: what each user may see and do, as SQL filters."""
