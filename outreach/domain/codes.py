"""The codes a registration's fields may hold, as data: validation checks against these, labels only word them
(outreach/labels.py), so a missing translation can never make a valid code invalid or the reverse.
Occupations, programmes, periods and payers are rules of their own (occupations.py, contribution.py)."""
from outreach.domain.contribution import FUNDING, SPONSORED  # noqa: F401 (who pays is a contribution rule)

SEXES = ("M", "F")
HEIR_RELATIONS = ("pasangan", "anak", "orang_tua", "saudara", "lainnya")
# What a check may note about a registration for the coordinator (NIK checks, age, duplicates).
FLAGS = ("outside_district", "old_regency_code", "unknown_kecamatan", "minor", "probable_duplicate")
# Why a receipt was re-issued (the old QR stops working): recorded in the history and the audit trail.
REISSUE_REASONS = ("lost", "damaged", "exposed", "other")
