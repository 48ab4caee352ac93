"""Server-rendered pages: login, start pages, administration, the audit log, errors."""
