"""The workers' rights as rules, table-driven: when a request is due, when data is due for erasure, what an
erasure keeps of the history and the audit trail, and how the edit history masks each field."""
from datetime import date, datetime, timedelta, timezone

import pytest

from outreach.domain.masking import for_history, mask_birth_date, mask_phone_tail, mask_text
from outreach.domain.privacy import (DUE_HOURS, REQUEST_KINDS, Retention, due_at, due_for_erasure, erasure_cutoffs,
                                     is_overdue, months_before, scrub_audit_details, scrub_changes)

UTC = timezone.utc
NOW = datetime(2026, 12, 10, 9, 0, tzinfo=UTC)
RULES = Retention(rejected_months=6, returned_months=6, max_months=60)


@pytest.mark.parametrize("kind, hours", [("access", 72), ("withdrawal", 72), ("correction", 72), ("deletion", 72)])
def test_due_three_times_24_hours_after_receipt(kind, hours):
    assert due_at(kind, NOW) == NOW + timedelta(hours=hours)


def test_every_kind_has_a_due_time():
    assert set(DUE_HOURS) == set(REQUEST_KINDS)


@pytest.mark.parametrize("state, due, overdue", [
    ("open", NOW - timedelta(minutes=1), True),
    ("open", NOW, False),
    ("open", NOW + timedelta(hours=1), False),
    ("done", NOW - timedelta(days=9), False),
    ("refused", NOW - timedelta(days=9), False),
])
def test_only_an_open_request_past_its_due_time_is_overdue(state, due, overdue):
    assert is_overdue(state, due, NOW) is overdue


@pytest.mark.parametrize("moment, months, expected", [
    (datetime(2026, 12, 10, 9, 0, tzinfo=UTC), 6, datetime(2026, 6, 10, 9, 0, tzinfo=UTC)),
    (datetime(2026, 8, 31, tzinfo=UTC), 6, datetime(2026, 2, 28, tzinfo=UTC)),  # no 31st in February
    (datetime(2028, 8, 31, tzinfo=UTC), 6, datetime(2028, 2, 29, tzinfo=UTC)),  # a leap year
    (datetime(2026, 3, 15, tzinfo=UTC), 12, datetime(2025, 3, 15, tzinfo=UTC)),
    (datetime(2026, 1, 5, tzinfo=UTC), 1, datetime(2025, 12, 5, tzinfo=UTC)),
    (datetime(2026, 12, 10, tzinfo=UTC), 60, datetime(2021, 12, 10, tzinfo=UTC)),
])
def test_months_before(moment, months, expected):
    assert months_before(moment, months) == expected


@pytest.mark.parametrize("status, last_change, due", [
    ("rejected", datetime(2026, 6, 9, tzinfo=UTC), True),    # rejected more than 6 months ago
    ("rejected", datetime(2026, 6, 11, tzinfo=UTC), False),
    ("returned", datetime(2026, 6, 9, tzinfo=UTC), True),    # returned and never corrected
    ("returned", datetime(2026, 7, 1, tzinfo=UTC), False),
    ("pending", datetime(2026, 6, 9, tzinfo=UTC), False),    # in the queue: kept
    ("active", datetime(2022, 1, 1, tzinfo=UTC), False),     # a participant, changed within 5 years
    ("active", datetime(2021, 12, 9, tzinfo=UTC), True),     # nothing changed for 5 years
    ("verified", datetime(2021, 12, 9, tzinfo=UTC), True),
    ("erased", datetime(2001, 1, 1, tzinfo=UTC), False),     # nothing left to erase
])
def test_due_for_erasure(status, last_change, due):
    assert due_for_erasure(status, last_change, NOW, RULES) is due


def test_the_shorter_rule_wins_when_the_longest_is_shorter():
    short = Retention(rejected_months=24, returned_months=24, max_months=12)
    assert erasure_cutoffs(NOW, short)["rejected"] == months_before(NOW, 12)


@pytest.mark.parametrize("kind, changes, kept", [
    ("edited", {"phone": ["…890", "…111"], "address": ["…", "…"]}, {"phone": [None, None], "address": [None, None]}),
    ("transition", {"from": "pending", "to": "returned", "reason": "ktp_needed", "note": "NIK 1903… salah"},
     {"from": "pending", "to": "returned", "reason": "ktp_needed"}),
    ("transition", {"from": "submitted", "to": "active", "kpj": "12345678901"}, {"from": "submitted", "to": "active"}),
    ("transition", {"from": "returned", "to": "pending", "no_change_needed": True},
     {"from": "returned", "to": "pending", "no_change_needed": True}),
    ("created", {}, {}),
    ("receipt_reissued", None, {}),
])
def test_what_an_erasure_keeps_of_the_history(kind, changes, kept):
    assert scrub_changes(kind, changes) == kept


@pytest.mark.parametrize("details, kept", [
    ({"purpose": "cocokkan KTP Siti", "page": "review.reveal"}, {"page": "review.reveal"}),
    ({"fields": ["phone"]}, {"fields": ["phone"]}),
    ({"from": "submitted", "to": "active", "kpj": "12345678901"}, {"from": "submitted", "to": "active"}),
    ({"filters": {"q": "Siti"}, "format": "csv", "rows": 3}, {"format": "csv", "rows": 3}),
    (None, {}),
])
def test_what_an_erasure_keeps_of_the_audit_details(details, kept):
    assert scrub_audit_details(details) == kept


@pytest.mark.parametrize("field, value, shown", [
    ("phone", "+6281234567890", "…890"),
    ("heir_phone", "+6285211112222", "…222"),
    ("address", "Dusun I RT 01 RW 02", "…"),
    ("birth_date", date(1990, 8, 15), "1990-**-**"),
    ("birth_date", "1990-08-15", "1990-**-**"),
    ("nik", "1903015508900001", "************0001"),
    ("full_name", "Siti Aminah", "S*** A*****"),
    ("heir_name", "Ahmad Fauzi", "A**** F****"),
    ("birth_place", "Toboali", "…"),
    ("notes", "rumah di belakang masjid", "…"),
    ("work_location", "Pelabuhan Sadai", "…"),
    ("occupation", "nelayan", "nelayan"),       # a code: what a reviewer needs
    ("monthly_income", 1_500_000, 1_500_000),
    ("programs", ["JKK", "JKM"], ["JKK", "JKM"]),
    ("phone", None, None),
    ("address", "", ""),
])
def test_the_edit_history_masks_personal_values(field, value, shown):
    assert for_history(field, value) == shown


@pytest.mark.parametrize("masker, value, shown", [
    (mask_phone_tail, "", ""), (mask_phone_tail, None, ""), (mask_phone_tail, "+62 81", "…281"),
    (mask_birth_date, "", ""), (mask_birth_date, "kemarin", ""),
    (mask_text, None, ""), (mask_text, "x", "…"),
])
def test_maskers_on_odd_values(masker, value, shown):
    assert masker(value) == shown
