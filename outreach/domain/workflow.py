"""The registration workflow: which status may follow which, who may move it, and what each move needs.

pending -> verified -> submitted (sent to BPJS Ketenagakerjaan) -> active (KPJ recorded);
pending/verified/submitted -> returned (to the officer, with a reason code and a note: submitted when the branch
asks for a fix) -> pending (the officer's correction);
pending/verified/submitted -> rejected (with a reason code and a note).
Not a move: an active registration's KPJ may be corrected (a typo) by a reviewer, with a reason (check_kpj_correction).
Any status -> erased: not a move of this table but the erasure of the worker's personal data (UU PDP: on
request, or when its retention ends; outreach/services/erasure.py), by a coordinator, an admin or the retention
command. Nothing moves out of erased: the table has no move from it, and erasure cannot be undone.
Returned -> pending needs the officer's correction, or their word that nothing needed changing.
The reason code is kept while the registration is returned or rejected (its status says which list it is
from) and cleared by every other move, so a corrected registration carries no stale reason.
Every other move is impossible, whoever asks and from wherever.
"""
import re

STATUSES = ("pending", "verified", "submitted", "active", "returned", "rejected", "erased")
EDITABLE = ("pending", "returned")  # the officer may still correct the registration
REVIEWERS = ("coordinator", "admin")
# (from, to): the roles that may make the move
TRANSITIONS = {
    ("pending", "verified"): REVIEWERS,
    ("verified", "submitted"): REVIEWERS,
    ("submitted", "active"): REVIEWERS,
    ("pending", "returned"): REVIEWERS,
    ("verified", "returned"): REVIEWERS,
    ("submitted", "returned"): REVIEWERS,  # the branch asked for a fix
    ("returned", "pending"): ("officer",),
    ("pending", "rejected"): REVIEWERS,
    ("verified", "rejected"): REVIEWERS,
    ("submitted", "rejected"): REVIEWERS,
}
REASONS = ("duplicate", "ineligible_age", "invalid_nik", "withdrew", "already_participant", "other")  # rejection
# Why a registration goes back to its officer: each maps to one thing the worker can do (status page).
RETURN_REASONS = ("incomplete", "nik_mismatch", "ktp_needed", "income_program", "branch_fix", "other")
REASONS_FOR = {"rejected": REASONS, "returned": RETURN_REASONS}
NOTE_LIMIT = 1000  # characters of a coordinator's note: longer is refused, never cut
ERASERS = REVIEWERS
KPJ = re.compile(r"\d{11}", re.ASCII)


def normalise_kpj(raw: str | None) -> str:
    return re.sub(r"[\s.\-]", "", raw or "")


def valid_kpj(kpj: str) -> bool:
    return bool(KPJ.fullmatch(kpj))


def allowed_targets(current: str, role: str) -> list[str]:
    return [to for (start, to), roles in TRANSITIONS.items() if start == current and role in roles]


# The moves that need nothing but a yes (no reason, note or KPJ): the queue makes them for many rows at once.
BULK_TARGETS = ("verified", "submitted")


def bulk_target(current: str, role: str) -> str | None:
    """The one move the queue's bulk action can make from `current` for this role, if any."""
    return next((to for to in allowed_targets(current, role) if to in BULK_TARGETS), None)


def check(current: str, target: str, role: str, reason: str | None = None, note: str | None = None,
          kpj: str | None = None, corrected: bool = False) -> list[str]:
    """Why the move cannot be made, as codes; empty when it can.

    impossible: no such move from the current status; forbidden: not for this role;
    reason_required / note_required / note_too_long / kpj_invalid: what the move needs is missing or malformed;
    correction_required: a returned registration goes back to the queue only `corrected` (edited, or the officer
    said explicitly that nothing needed changing).
    """
    roles = TRANSITIONS.get((current, target))
    if roles is None:
        return ["impossible"]
    if role not in roles:
        return ["forbidden"]
    errors = []
    if target in REASONS_FOR and reason not in REASONS_FOR[target]:
        errors.append("reason_required")
    if target in ("returned", "rejected") and not (note or "").strip():
        errors.append("note_required")
    if len((note or "").strip()) > NOTE_LIMIT:
        errors.append("note_too_long")
    if (current, target) == ("returned", "pending") and not corrected:
        errors.append("correction_required")
    if target == "active" and not valid_kpj(normalise_kpj(kpj)):
        errors.append("kpj_invalid")
    return errors


def may_erase(current: str, role: str) -> bool:
    """Erasure of the personal data: from every status but erased itself, by a reviewer."""
    return current in STATUSES and current != "erased" and role in ERASERS


def reason_after(target: str, reason: str | None) -> str | None:
    """The reason column after a move to `target`: kept only for returned and rejected."""
    return reason if target in REASONS_FOR else None


# The statuses whose KPJ may be corrected, and by whom: a mistyped KPJ is not final.
KPJ_CORRECTABLE = {"active": REVIEWERS}


def check_kpj_correction(current: str, role: str, old_kpj: str | None, new_kpj: str | None,
                         reason: str | None) -> list[str]:
    """Why the KPJ cannot be corrected, as codes; empty when it can.

    impossible: the status has no KPJ to correct; forbidden: not for this role; kpj_invalid: not 11 digits;
    kpj_unchanged: the same number again; reason_required: no reason written.
    """
    roles = KPJ_CORRECTABLE.get(current)
    if roles is None:
        return ["impossible"]
    if role not in roles:
        return ["forbidden"]
    errors = []
    kpj = normalise_kpj(new_kpj)
    if not valid_kpj(kpj):
        errors.append("kpj_invalid")
    elif kpj == old_kpj:
        errors.append("kpj_unchanged")
    if not (reason or "").strip():
        errors.append("reason_required")
    return errors
