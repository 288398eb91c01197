"""The worker's rights under UU No. 27/2022 (Pelindungan Data Pribadi) as data: the requests they may make and
when each is due, when a registration's personal data is due for erasure, and what of it an erasure keeps.
Sources: data/bpu_rules.md ("Personal data"); the articles are named beside each rule."""
import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta

# What a worker may ask (Art. 5-9): see their data and its processing record, correct it, withdraw consent,
# have it deleted.
REQUEST_KINDS = ("access", "correction", "withdrawal", "deletion")
# Hours from receipt to answer. Access: Art. 32(2), 3x24 hours (quoted, H). Withdrawal of consent: processing
# stops within 3x24 hours (Art. 40 as summarised, M). Correction: 3x24 hours (Art. 30 as summarised, M).
# Deletion: no time found in the Act; the same 3x24 hours, since here a withdrawal ends in the same erasure.
DUE_HOURS = {"access": 72, "correction": 72, "withdrawal": 72, "deletion": 72}
# How the person asking was known to be the worker: the registration number with the birth date (as /cek asks),
# or in person, the KTP seen by the officer or coordinator.
IDENTIFICATIONS = ("number_birth_date", "in_person")
# A request is open until it is done (answered, corrected, erased) or refused (with the reason, Art. 33 and 15).
REQUEST_STATES = ("open", "done", "refused")
# The requests that an erasure answers.
ERASING_KINDS = ("withdrawal", "deletion")


def due_at(kind: str, received_at: datetime) -> datetime:
    return received_at + timedelta(hours=DUE_HOURS[kind])


def is_overdue(state: str, due: datetime, now: datetime) -> bool:
    return state == "open" and now > due


# Retention: how long a registration's personal data is kept after its last change, by status.
@dataclass(frozen=True)
class Retention:
    rejected_months: int   # a rejected registration: time to explain it, or to re-register with the answer
    returned_months: int   # returned to the officer and never corrected: the worker did not come back
    max_months: int        # any registration: the longest the district follows a worker up


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months earlier (the 31st falls back to the month's last day)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return moment.replace(year=year, month=month + 1, day=min(moment.day, last_day))


def erasure_cutoffs(now: datetime, rules: Retention) -> dict[str, datetime]:
    """For each status, the last-change moment before which its registration is due for erasure."""
    cutoffs = {"rejected": months_before(now, rules.rejected_months),
               "returned": months_before(now, rules.returned_months)}
    anything = months_before(now, rules.max_months)
    return {status: max(cutoffs.get(status, anything), anything)
            for status in ("pending", "verified", "submitted", "active", "returned", "rejected")}


def due_for_erasure(status: str, last_change: datetime, now: datetime, rules: Retention) -> bool:
    cutoff = erasure_cutoffs(now, rules).get(status)
    return cutoff is not None and last_change < cutoff


# What erasure empties (UU PDP Art. 43-44): every field that tells who the worker is, where they live or what
# they earn. Kept: the number, status, desa and kecamatan, occupation, programmes, period, payer, dates,
# the officer and the consent record (when and which text: the lawful basis of what was done before), so
# coverage counts and the audit trail stay true.
ERASED_FIELDS = ("nik", "nik_last4", "full_name", "name_key", "birth_place", "birth_date", "sex", "phone",
                 "address", "work_location", "monthly_income", "heir_name", "heir_relation", "heir_phone",
                 "guardian_name", "guardian_relation", "notes", "kpj")

# What stays of an event after erasure: the kind of change and its codes, no value, no free text.
KEPT_CHANGE_KEYS = {"transition": ("from", "to", "reason", "no_change_needed"), "erased": ("from", "why"),
                    "contact": ("channel", "outcome", "contact", "next_on", "will_pay_on", "consent_method"),
                    "cohort_imported": ("programme", "from", "months")}
# Audit details that carry no personal data (codes, counts, page names); anything else (a reason typed to
# reveal a NIK, a filter that searched a name, a KPJ) goes.
KEPT_AUDIT_KEYS = ("page", "fields", "from", "to", "reason", "format", "rows", "kind", "request", "why",
                   "attempt", "state", "outcome", "channel", "programme")


def scrub_changes(kind: str, changes: dict | None) -> dict:
    """An event's changes after erasure: an edit keeps which fields changed (values gone), a move its codes."""
    changes = changes or {}
    if kind == "edited":
        return {name: [None, None] for name in changes}
    return {k: v for k, v in changes.items() if k in KEPT_CHANGE_KEYS.get(kind, ())}


def scrub_audit_details(details: dict | None) -> dict:
    return {k: v for k, v in (details or {}).items() if k in KEPT_AUDIT_KEYS}
