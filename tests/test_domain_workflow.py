"""The workflow's state machine, table-driven: every pair of statuses, every role."""
import itertools

import pytest

from outreach.domain.workflow import STATUSES, allowed_targets, check, normalise_kpj, valid_kpj

ALLOWED = {
    ("pending", "verified"), ("verified", "submitted"), ("submitted", "active"),
    ("pending", "returned"), ("verified", "returned"), ("returned", "pending"),
    ("pending", "rejected"), ("verified", "rejected"), ("submitted", "rejected"),
}
GOOD = {"reason": "duplicate", "note": "Foto KTP buram", "kpj": "12345678901"}


@pytest.mark.parametrize("current, target", list(itertools.product(STATUSES, STATUSES)))
def test_every_pair_of_statuses(current, target):
    role = "officer" if (current, target) == ("returned", "pending") else "coordinator"
    assert (check(current, target, role, **GOOD) == []) is ((current, target) in ALLOWED)
    if (current, target) not in ALLOWED:
        assert check(current, target, role, **GOOD) == ["impossible"]


@pytest.mark.parametrize("current, target, role, expected", [
    ("pending", "verified", "officer", ["forbidden"]),
    ("pending", "verified", "admin", []),
    ("returned", "pending", "coordinator", ["forbidden"]),
    ("submitted", "active", "officer", ["forbidden"]),
    ("active", "rejected", "admin", ["impossible"]),
    ("rejected", "pending", "officer", ["impossible"]),
])
def test_who_may_move(current, target, role, expected):
    assert check(current, target, role, **GOOD) == expected


@pytest.mark.parametrize("target, fields, expected", [
    ("rejected", {"reason": None, "note": "x"}, ["reason_required"]),
    ("rejected", {"reason": "bosan", "note": "x"}, ["reason_required"]),
    ("rejected", {"reason": "withdrew"}, ["note_required"]),
    ("rejected", {"reason": "withdrew", "note": "Pekerja membatalkan"}, []),
    ("returned", {"note": "  "}, ["note_required"]),
    ("returned", {"note": "Lengkapi alamat"}, []),
])
def test_what_a_move_needs_from_pending(target, fields, expected):
    assert check("pending", target, "coordinator", **fields) == expected


@pytest.mark.parametrize("kpj, ok", [
    ("12345678901", True), ("123 4567 8901", True), ("1234-5678-901", True),
    ("1234567890", False), ("123456789012", False), ("1234567890A", False), ("", False), (None, False),
    ("١٢٣٤٥٦٧٨٩٠١", False),
])
def test_kpj_is_eleven_digits(kpj, ok):
    assert valid_kpj(normalise_kpj(kpj)) is ok
    assert (check("submitted", "active", "coordinator", kpj=kpj) == []) is ok


def test_allowed_targets():
    assert allowed_targets("pending", "coordinator") == ["verified", "returned", "rejected"]
    assert allowed_targets("returned", "officer") == ["pending"]
    assert allowed_targets("active", "admin") == []
