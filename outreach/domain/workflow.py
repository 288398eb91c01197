"""The registration workflow: which status may follow which, who may move it, and what each move needs.

pending -> verified -> submitted (sent to BPJS Ketenagakerjaan) -> active (KPJ recorded);
pending/verified -> returned (to the officer, with a reason code and a note) -> pending (the officer's correction);
pending/verified/submitted -> rejected (with a reason code and a note).
The reason code is kept while the registration is returned or rejected (its status says which list it is
from) and cleared by every other move, so a corrected registration carries no stale reason.
Every other move is impossible, whoever asks and from wherever.
"""
import re

STATUSES = ("pending", "verified", "submitted", "active", "returned", "rejected")
EDITABLE = ("pending", "returned")  # the officer may still correct the registration
REVIEWERS = ("coordinator", "admin")
# (from, to): the roles that may make the move
TRANSITIONS = {
    ("pending", "verified"): REVIEWERS,
    ("verified", "submitted"): REVIEWERS,
    ("submitted", "active"): REVIEWERS,
    ("pending", "returned"): REVIEWERS,
    ("verified", "returned"): REVIEWERS,
    ("returned", "pending"): ("officer",),
    ("pending", "rejected"): REVIEWERS,
    ("verified", "rejected"): REVIEWERS,
    ("submitted", "rejected"): REVIEWERS,
}
REASONS = ("duplicate", "ineligible_age", "invalid_nik", "withdrew", "already_participant", "other")  # rejection
# Why a registration goes back to its officer: each maps to one thing the worker can do (status page).
RETURN_REASONS = ("incomplete", "nik_mismatch", "ktp_needed", "income_program", "other")
REASONS_FOR = {"rejected": REASONS, "returned": RETURN_REASONS}
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
          kpj: str | None = None) -> list[str]:
    """Why the move cannot be made, as codes; empty when it can.

    impossible: no such move from the current status; forbidden: not for this role;
    reason_required / note_required / kpj_invalid: what the move needs is missing or malformed.
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
    if target == "active" and not valid_kpj(normalise_kpj(kpj)):
        errors.append("kpj_invalid")
    return errors


def reason_after(target: str, reason: str | None) -> str | None:
    """The reason column after a move to `target`: kept only for returned and rejected."""
    return reason if target in REASONS_FOR else None
