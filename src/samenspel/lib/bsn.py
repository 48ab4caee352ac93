"""Check a Dutch citizen service number (burgerservicenummer, BSN) with the 11-test (elfproef).

A BSN has nine digits. The BRP still holds old numbers of eight digits, which read as nine with a
leading zero. A number is valid when the weighted sum of its digits, with weights 9, 8, 7, 6, 5,
4, 3, 2 and -1, is divisible by 11, and not every digit is zero. Because no weight is a multiple
of 11, the test detects every error in a single digit.
"""

from __future__ import annotations

BSN_LENGTH = 9
WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
DIGITS = frozenset("0123456789")
SEPARATORS = frozenset(" .-")

MESSAGE_LENGTH = "Een BSN heeft 9 cijfers."
MESSAGE_ELFPROEF = "Dit BSN klopt niet: het voldoet niet aan de elfproef. Controleer de cijfers."


def normalise_bsn(text: str) -> str:
    """Return the text without spaces, dots and dashes."""
    return "".join(char for char in text if char not in SEPARATORS and not char.isspace())


def _nine_digits(text: str) -> str | None:
    """Return the number as nine ASCII digits, or None when it is not eight or nine digits."""
    number = normalise_bsn(text)
    # str.isdigit() also accepts superscripts and other scripts' digits; a BSN is ASCII only.
    if not number or not set(number) <= DIGITS:
        return None
    if len(number) == BSN_LENGTH - 1:
        number = "0" + number
    return number if len(number) == BSN_LENGTH else None


def _passes_elfproef(number: str) -> bool:
    """Tell whether nine digits pass the 11-test and are not all zero."""
    total = sum(int(digit) * weight for digit, weight in zip(number, WEIGHTS, strict=True))
    return total % 11 == 0 and number != "0" * BSN_LENGTH


def is_valid_bsn(text: str) -> bool:
    """Tell whether the text is a valid BSN."""
    number = _nine_digits(text)
    return number is not None and _passes_elfproef(number)


def bsn_error(text: str) -> str | None:
    """Return a Dutch message for a form field about what is wrong with the BSN, or None."""
    number = _nine_digits(text)
    if number is None:
        return MESSAGE_LENGTH
    if not _passes_elfproef(number):
        return MESSAGE_ELFPROEF
    return None
