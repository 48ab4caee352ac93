"""Demo organisations and users, and the `samenspel demo` command."""
