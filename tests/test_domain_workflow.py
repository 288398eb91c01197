"""The workflow's state machine, table-driven: every pair of statuses, every role."""
import itertools

import pytest

from outreach.domain.workflow import (NOTE_LIMIT, REASONS, RETURN_REASONS, STATUSES, allowed_targets, bulk_target,
                                      check, check_kpj_correction, may_erase, normalise_kpj, reason_after, valid_kpj)

ALLOWED = {
    ("pending", "verified"), ("verified", "submitted"), ("submitted", "active"),
    ("pending", "returned"), ("verified", "returned"), ("submitted", "returned"), ("returned", "pending"),
    ("pending", "rejected"), ("verified", "rejected"), ("submitted", "rejected"),
}
GOOD = {"note": "Foto KTP buram", "kpj": "12345678901"}


def good(target):
    """What every move needs, with a reason that fits the move (a return reason for returns), and a correction."""
    return GOOD | {"reason": "nik_mismatch" if target == "returned" else "duplicate", "corrected": True}


@pytest.mark.parametrize("current, target", list(itertools.product(STATUSES, STATUSES)))
def test_every_pair_of_statuses(current, target):
    role = "officer" if (current, target) == ("returned", "pending") else "coordinator"
    assert (check(current, target, role, **good(target)) == []) is ((current, target) in ALLOWED)
    if (current, target) not in ALLOWED:
        assert check(current, target, role, **good(target)) == ["impossible"]


@pytest.mark.parametrize("status", STATUSES)
def test_nothing_moves_out_of_erased_and_no_move_leads_into_it(status):
    """Erased is a state the workflow knows: no move leaves it, whoever asks; erasure is not a move."""
    for role in ("officer", "coordinator", "admin"):
        assert check("erased", status, role, **good(status)) == ["impossible"]
        assert check(status, "erased", role, **good("erased")) == ["impossible"]
        assert "erased" not in allowed_targets(status, role)
    assert allowed_targets("erased", "admin") == []


@pytest.mark.parametrize("current, role, expected", [
    *[(status, role, True) for status in STATUSES if status != "erased" for role in ("coordinator", "admin")],
    *[(status, "officer", False) for status in STATUSES],
    ("erased", "coordinator", False), ("erased", "admin", False), ("gone", "admin", False),
])
def test_who_may_erase_from_where(current, role, expected):
    assert may_erase(current, role) is expected


@pytest.mark.parametrize("corrected, expected", [(True, []), (False, ["correction_required"])])
def test_a_returned_registration_goes_back_only_corrected(corrected, expected):
    assert check("returned", "pending", "officer", corrected=corrected) == expected


@pytest.mark.parametrize("target, note, expected", [
    ("rejected", "x" * NOTE_LIMIT, []),
    ("rejected", "x" * (NOTE_LIMIT + 1), ["note_too_long"]),
    ("rejected", "  " + "x" * NOTE_LIMIT + "  ", []),  # counted as kept: trimmed
    ("returned", "x" * 5000, ["note_too_long"]),
    ("verified", "x" * 5000, ["note_too_long"]),  # a note sent with any move is kept whole, or refused
])
def test_a_long_note_is_refused_not_cut(target, note, expected):
    reason = "incomplete" if target == "returned" else "duplicate"
    assert check("pending", target, "coordinator", reason=reason, note=note) == expected


@pytest.mark.parametrize("current, target, role, expected", [
    ("pending", "verified", "officer", ["forbidden"]),
    ("pending", "verified", "admin", []),
    ("returned", "pending", "coordinator", ["forbidden"]),
    ("submitted", "active", "officer", ["forbidden"]),
    ("active", "rejected", "admin", ["impossible"]),
    ("rejected", "pending", "officer", ["impossible"]),
])
def test_who_may_move(current, target, role, expected):
    assert check(current, target, role, **good(target)) == expected


@pytest.mark.parametrize("target, fields, expected", [
    ("rejected", {"reason": None, "note": "x"}, ["reason_required"]),
    ("rejected", {"reason": "bosan", "note": "x"}, ["reason_required"]),
    ("rejected", {"reason": "withdrew"}, ["note_required"]),
    ("rejected", {"reason": "withdrew", "note": "Pekerja membatalkan"}, []),
    ("returned", {"reason": "incomplete", "note": "  "}, ["note_required"]),
    ("returned", {"reason": "incomplete", "note": "Lengkapi alamat"}, []),
    ("returned", {"note": "Lengkapi alamat"}, ["reason_required"]),
    ("returned", {"reason": "", "note": "x"}, ["reason_required"]),
    ("returned", {"reason": None, "note": None}, ["reason_required", "note_required"]),
    # a rejection's reason does not fit a return, nor the other way round
    ("returned", {"reason": "duplicate", "note": "x"}, ["reason_required"]),
    ("rejected", {"reason": "nik_mismatch", "note": "x"}, ["reason_required"]),
    ("returned", {"reason": "other", "note": "x"}, []),
    ("rejected", {"reason": "other", "note": "x"}, []),
])
def test_what_a_move_needs_from_pending(target, fields, expected):
    assert check("pending", target, "coordinator", **fields) == expected


@pytest.mark.parametrize("reason", RETURN_REASONS)
def test_every_return_reason_works_from_pending_verified_and_submitted(reason):
    for current in ("pending", "verified", "submitted"):
        assert check(current, "returned", "coordinator", reason=reason, note="Perbaiki") == []


@pytest.mark.parametrize("target, reason, kept", [
    ("returned", "ktp_needed", "ktp_needed"),
    ("rejected", "withdrew", "withdrew"),
    ("pending", "ktp_needed", None),  # the officer's correction clears the return reason
    ("verified", "duplicate", None),
    ("submitted", None, None),
    ("active", "other", None),
])
def test_the_reason_is_kept_only_while_returned_or_rejected(target, reason, kept):
    assert reason_after(target, reason) == kept


def test_the_two_reason_lists_are_distinct_codes_but_for_other():
    assert set(REASONS) & set(RETURN_REASONS) == {"other"}


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
    assert allowed_targets("submitted", "coordinator") == ["active", "returned", "rejected"]
    assert allowed_targets("submitted", "officer") == []
    assert allowed_targets("returned", "officer") == ["pending"]
    assert allowed_targets("active", "admin") == []


# Correcting an active registration's KPJ: not a move (the status stays), a rule of its own.

@pytest.mark.parametrize("status, role", list(itertools.product(STATUSES, ("officer", "coordinator", "admin"))))
def test_who_may_correct_a_kpj_from_every_status(status, role):
    codes = check_kpj_correction(status, role, "12345678901", "12345678910", "Salah ketik")
    if status != "active":
        assert codes == ["impossible"]
    else:
        assert codes == ([] if role in ("coordinator", "admin") else ["forbidden"])


@pytest.mark.parametrize("new, reason, expected", [
    ("1234 5678 910", "Salah ketik dari cabang", []),
    ("12345678901", "Salah ketik", ["kpj_unchanged"]),  # the number already recorded
    ("123-4567-8901", "Salah ketik", ["kpj_unchanged"]),
    ("1234567891", "Salah ketik", ["kpj_invalid"]),
    (None, "Salah ketik", ["kpj_invalid"]),
    ("12345678910", "   ", ["reason_required"]),
    ("12345678910", None, ["reason_required"]),
    ("", "", ["kpj_invalid", "reason_required"]),
])
def test_what_a_kpj_correction_needs(new, reason, expected):
    assert check_kpj_correction("active", "coordinator", "12345678901", new, reason) == expected


@pytest.mark.parametrize("role", ["coordinator", "admin", "officer"])
@pytest.mark.parametrize("current, target", [("pending", "verified"), ("verified", "submitted"), ("submitted", None),
                                             ("active", None), ("returned", None), ("rejected", None)])
def test_the_queue_moves_in_bulk_only_what_needs_nothing_but_a_yes(current, target, role):
    assert bulk_target(current, role) == (target if role != "officer" else None)
