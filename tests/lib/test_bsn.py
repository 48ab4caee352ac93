"""The BSN check: the 11-test (elfproef), formatting, and the messages for a form field."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from samenspel.lib.bsn import (
    MESSAGE_ELFPROEF,
    MESSAGE_LENGTH,
    WEIGHTS,
    bsn_error,
    is_valid_bsn,
    normalise_bsn,
)


@st.composite
def valid_bsns(draw: st.DrawFn) -> str:
    """Build a valid BSN by computing its check digit from eight random digits."""
    first = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    check = sum(digit * weight for digit, weight in zip(first, WEIGHTS, strict=False)) % 11
    assume(check < 10)  # no check digit makes these eight digits valid
    assume(any(first) or check)
    return "".join(map(str, first)) + str(check)


separators = st.sampled_from([" ", ".", "-", "  ", ". "])


@pytest.mark.parametrize("text", ["111222333", "123456782", "999999990", "12345672"])
def test_known_valid_numbers_pass(text: str) -> None:
    assert is_valid_bsn(text)
    assert bsn_error(text) is None


def test_an_eight_digit_number_reads_with_a_leading_zero() -> None:
    assert is_valid_bsn("12345672")
    assert is_valid_bsn("012345672")
    assert not is_valid_bsn("12345678")


@pytest.mark.parametrize("text", ["111222334", "123456789", "123456781", "987654321"])
def test_numbers_failing_the_elfproef_are_invalid(text: str) -> None:
    assert not is_valid_bsn(text)
    assert bsn_error(text) == MESSAGE_ELFPROEF


def test_all_zeros_is_invalid_although_its_sum_is_divisible_by_eleven() -> None:
    assert not is_valid_bsn("000000000")
    assert not is_valid_bsn("00000000")
    assert bsn_error("000000000") == MESSAGE_ELFPROEF


FULLWIDTH_VALID = "".join(chr(0xFF10 + int(digit)) for digit in "123456782")


@pytest.mark.parametrize(
    "text",
    ["", "1234567", "1234567890", "12345678a", "abcdefghi", FULLWIDTH_VALID, "12345678\u00b2"],
)
def test_anything_but_eight_or_nine_ascii_digits_is_the_wrong_length(text: str) -> None:
    assert not is_valid_bsn(text)
    assert bsn_error(text) == MESSAGE_LENGTH


@pytest.mark.parametrize(
    "text", ["111 222 333", "111.222.333", "111-222-333", " 1112 22 333 ", "11.12.22.333\t"]
)
def test_spaces_dots_and_dashes_are_ignored(text: str) -> None:
    assert normalise_bsn(text) == "111222333"
    assert is_valid_bsn(text)


def test_other_punctuation_is_not_ignored() -> None:
    assert not is_valid_bsn("111/222/333")
    assert bsn_error("111/222/333") == MESSAGE_LENGTH


@given(valid_bsns())
def test_generated_numbers_with_a_computed_check_digit_are_valid(bsn: str) -> None:
    assert is_valid_bsn(bsn)
    assert bsn_error(bsn) is None


@given(valid_bsns(), st.lists(st.tuples(st.integers(0, 9), separators), max_size=6))
def test_a_valid_number_stays_valid_with_spaces_and_dots_inserted(
    bsn: str, insertions: list[tuple[int, str]]
) -> None:
    text = bsn
    for position, separator in insertions:
        text = text[:position] + separator + text[position:]
    assert is_valid_bsn(text)


@given(valid_bsns(), st.integers(0, 8), st.integers(1, 9))
def test_changing_any_single_digit_makes_a_valid_number_invalid(
    bsn: str, position: int, change: int
) -> None:
    digit = (int(bsn[position]) + change) % 10
    changed = bsn[:position] + str(digit) + bsn[position + 1 :]
    assert not is_valid_bsn(changed)
    assert bsn_error(changed) == MESSAGE_ELFPROEF
