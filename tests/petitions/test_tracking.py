"""Tracking numbers: speakable, checkable, not guessable."""

from petitions.tracking import new_tracking_number, normalise_tracking_number


def test_tracking_numbers_are_digits_with_a_valid_check_digit():
    number = new_tracking_number()
    assert number.replace("-", "").isdigit()
    assert normalise_tracking_number(number) == number


def test_a_misheard_digit_is_detected():
    number = new_tracking_number()
    digits = number.replace("-", "")
    wrong_digit = str((int(digits[10]) + 1) % 10)
    misheard = digits[:10] + wrong_digit + digits[11:]
    assert normalise_tracking_number(misheard) is None


def test_spaces_and_dashes_are_ignored():
    number = new_tracking_number()
    spaced = " ".join(number.replace("-", ""))
    assert normalise_tracking_number(spaced) == number


def test_numbers_do_not_repeat():
    numbers = {new_tracking_number() for _ in range(2000)}
    assert len(numbers) == 2000
