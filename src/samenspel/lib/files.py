"""What a received file may be: checked on its content, never on its name alone."""

from __future__ import annotations

# The kinds of file Samenspel accepts (signals' attachments, files with case information), by
# the bytes they start with. Plain text has no such bytes: it must decode as UTF-8 and be named
# .txt.
ALLOWED_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "text/plain": (),
}


def sniff(name: str, content: bytes) -> str | None:
    """Return the content type of an allowed file, or None if the file is not allowed."""
    for content_type, magics in ALLOWED_TYPES.items():
        if magics and content.startswith(magics):
            return content_type
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return "text/plain" if name.lower().endswith(".txt") else None
