"""The codes a registration's fields may hold, as data: validation checks against these, labels only word them
(outreach/labels.py), so a missing translation can never make a valid code invalid or the reverse.
Occupations, programmes, periods and payers are rules of their own (occupations.py, contribution.py)."""
from outreach.domain.contribution import FUNDING, SPONSORED  # noqa: F401 (who pays is a contribution rule)

SEXES = ("M", "F")
HEIR_RELATIONS = ("pasangan", "anak", "orang_tua", "saudara", "lainnya")
# How the worker took in the consent text (UU PDP Art. 21-22): the officer read it aloud, or they read it.
CONSENT_METHODS = ("read_aloud", "read_by_worker")
# Who consents beside a worker of 15-17 (UU PDP Art. 25: a parent or a guardian).
GUARDIAN_RELATIONS = ("ayah", "ibu", "kakek_nenek", "saudara", "wali_lain")
# What a check may note about a registration for the coordinator (NIK checks, age, duplicates, the consent
# record of an entry queued on a phone by an older page that did not ask how consent was given, a BPU who employs
# others (JHT required: bpu_rules.md), a payer other than the worker sent without its programme by an older page).
FLAGS = ("outside_district", "old_regency_code", "unknown_kecamatan", "minor", "probable_duplicate",
         "consent_method_unrecorded", "guardian_relation_missing", "employs_others", "programme_missing")
# Why a receipt was re-issued (the old QR stops working): recorded in the history and the audit trail.
REISSUE_REASONS = ("lost", "damaged", "exposed", "other")
