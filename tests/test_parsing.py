"""Numbers from requests: ASCII digits only, bounded, in range, or None."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.parsing import MAX_DIGITS, parse_ids, parse_int


@pytest.mark.parametrize(("raw", "number"), [("0", 0), ("7", 7), ("007", 7), ("12345", 12345)])
def test_it_reads_plain_digits(raw, number):
    assert parse_int(raw) == number


@pytest.mark.parametrize(
    "raw",
    [
        None, "", " ", "²", "٣", "３", "-1", "+7", " 7", "7 ", "7\n", "1.5", "1e3", "1_000",
        "0x10", "seven", "9" * (MAX_DIGITS + 1), "9" * 40, "\x00", "1\x00",
    ],
)  # fmt: skip
def test_anything_but_plain_digits_is_absent(raw):
    assert parse_int(raw) is None


def test_the_largest_number_fits_a_bigint():
    assert parse_int("9" * MAX_DIGITS) == 10**MAX_DIGITS - 1 < 2**63


def test_it_keeps_to_the_range_asked_for():
    assert parse_int("0", minimum=1) is None
    assert parse_int("1", minimum=1) == 1
    assert parse_int("500", maximum=500) == 500
    assert parse_int("501", maximum=500) is None


@given(st.text())
def test_any_text_gives_none_or_the_number_it_spells(raw):
    number = parse_int(raw)
    assert number is None or (raw.isascii() and int(raw) == number >= 0)


def test_ids_are_read_from_a_list_and_the_rest_left_out():
    assert parse_ids("12 15  ² -3 0 x 18", limit=20) == [12, 15, 18]
    assert parse_ids(None, limit=20) == []


def test_ids_are_read_from_the_first_words_only():
    assert parse_ids(" ".join(["7"] * 10_000), limit=20) == [7] * 20
