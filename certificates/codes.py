"""Verification codes: twelve characters a person can read aloud and type, the last a check
character that catches any single mistyped character and most swaps of neighbours.

Eleven random characters from Crockford's base 32 carry 55 bits, so guessing a valid code
takes on the order of 10^16 tries; the verification views are throttled as well.
"""

import secrets

from stdnum import luhn

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O or U
LENGTH = 12
# Letters people type for the ones Crockford leaves out.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def code_new() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH - 1))
    return body + luhn.calc_check_digit(body, alphabet=ALPHABET)


def code_normalise(text: str) -> str | None:
    """The code in canonical form, or None when it cannot be one of ours (wrong length, a
    character outside the alphabet, or a failed check character)."""
    cleaned = "".join(text.split()).replace("-", "").upper().translate(_READ_AS)
    if len(cleaned) != LENGTH or any(char not in ALPHABET for char in cleaned):
        return None
    if not luhn.is_valid(cleaned, alphabet=ALPHABET):
        return None
    return cleaned


def code_display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
