"""The enterprise number rule: one place, used by forms, import and services."""

import pytest

from coopnet.members.kbo import format_kbo, normalize_kbo


@pytest.mark.parametrize("typed", [
    "0123.456.749", "0123456749", "BE0123456749", "BE 0123 456 749", "be0123.456.749",
    " 0123-456-749 ", "123456749",  # old 9-digit form without the leading 0
])
def test_valid_numbers_are_stored_as_ten_digits(typed):
    assert normalize_kbo(typed) == "0123456749"


@pytest.mark.parametrize("typed", [
    "0123.456.748",  # wrong check digits
    "0123.456.74",  # too short
    "01234567490",  # too long
    "2000000042",  # does not start with 0 or 1
    "0123.456.7a9", "", None, "BE", "０１２３４５６７４９",  # full-width digits
])
def test_invalid_numbers_are_refused(typed):
    assert normalize_kbo(typed) is None


def test_check_digit_97_when_the_remainder_is_zero():
    # 03999989 = 97 * 41237 leaves remainder 0, so its check digits are 97 - 0 = 97
    base = 97 * 41237
    assert normalize_kbo(f"{base:08d}97") == f"{base:08d}97"


def test_shown_with_dots():
    assert format_kbo("0403123486") == "0403.123.486"
    assert format_kbo(None) == ""
