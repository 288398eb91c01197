"""Coverage figures: the share of a region's informal workers who are protected, beside those registered and
those with a KPJ, and how much of a programme's budget and places is used.

A worker counts as protected today when their paid months run to today or later (`paid_through >= today`,
followup.standing): a KPJ without a payment, or payments that stopped, protect nobody. Coverage is measured on
the protected, so the district's baseline (21% for Bangka Selatan, October 2024) compares like with like.
"""
from dataclasses import dataclass
from datetime import date


def protected_from(today: date) -> date:
    """The smallest `paid_through` that protects a worker on `today` (the last day paid counts)."""
    return today


def percent(part: int, whole: int | None, digits: int = 1) -> float | None:
    """part of whole in percent, rounded; None when there is nothing to measure against."""
    if not whole or whole <= 0:
        return None
    return round(100 * part / whole, digits)


@dataclass(frozen=True)
class Counts:
    registered: int = 0  # not rejected (an erased one by the status it had)
    kpj: int = 0  # with a KPJ (active)
    protected: int = 0  # active and paid through today or later

    def __add__(self, other: "Counts") -> "Counts":
        return Counts(self.registered + other.registered, self.kpj + other.kpj, self.protected + other.protected)


def add_up(counts) -> Counts:
    total = Counts()
    for c in counts:
        total = total + c
    return total


def coverage(counts: Counts, target: int | None) -> float | None:
    """Coverage in percent: the protected against the target of informal workers."""
    return percent(counts.protected, target)


def gap(counts: Counts) -> int:
    """Workers with a KPJ who are not protected today (awaiting a first payment, in arrears or inactive)."""
    return counts.kpj - counts.protected


@dataclass
class Tally:
    """The dashboard's counts, folded from one grouped read of the registrations."""
    by_desa: dict  # desa code -> Counts
    statuses: dict  # status as stored -> registrations
    occupations: dict  # code -> registrations not rejected
    funding: dict  # payer -> registrations not rejected


def fold(groups) -> Tally:
    """Rows of (desa, status, erased_from, occupation, funding, protected, n) -> Tally.

    An erased registration counts by the status it had when erased (enrolled stays enrolled, rejected stays
    out); `protected` is paid_through >= protected_from(today) (None without a payment), read only for the
    active: a KPJ is what a payment protects."""
    tally = Tally({}, {}, {}, {})
    for desa, status, erased_from, occupation, funding, protected, n in groups:
        counted = erased_from or status
        tally.statuses[status] = tally.statuses.get(status, 0) + n
        if counted == "rejected":
            continue
        active = counted == "active"
        tally.by_desa[desa] = tally.by_desa.get(desa, Counts()) + Counts(n, n if active else 0,
                                                                         n if active and protected else 0)
        tally.occupations[occupation] = tally.occupations.get(occupation, 0) + n
        tally.funding[funding] = tally.funding.get(funding, 0) + n
    return tally
