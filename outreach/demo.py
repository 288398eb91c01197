"""Sample registrations for `flask demo` only: a living queue and dashboard for a newcomer.

Every row is marked `is_demo` and carries "DATA DEMO" in its notes; nothing else creates them. Each row's
history walks the workflow's allowed moves (outreach.domain.workflow) to its status, and a few rows carry
the flags the enrollment would set (a migrant's NIK, a minor with a guardian, a probable duplicate), so the
queue's flag filters show something. The rows hold together as real ones would: each desa is in its officer's
kecamatan, a name fits the sex (and the NIK's birth day), numbers follow the dates, ages are counted on the day
of registration, and every event, the receipt included, falls between that day and now.

Two funding programmes come with them: the district's APBD cohort that paid six months (August 2025 – January
2026, over: bpu_rules.md) with the workers it took in July 2025, and a company's CSR programme open now, which
the recent rows paid by a sponsor belong to.

The active rows have payments through the ledger service (paid_through kept by it), so that every situation of
the follow-up lists and the dashboard shows: of the cohort, a quarter paying on their own since (protected),
a quarter a month behind (in arrears), half paying nothing since the programme ended (inactive); of the recent
rows, the sponsored paid by their programme to this month, a third of the self-payers awaiting a first payment
and the others paid for their period (protected, or in arrears when that ran out last month).
"""
import random
import uuid
from datetime import date, datetime, timedelta

from outreach.domain import workflow
from outreach.domain.clock import LOCAL_TZ
from outreach.domain.contribution import add_months
from outreach.domain.eligibility import check_age, name_key
from outreach.domain.followup import standing
from outreach.domain.occupations import CODES
from outreach.domain.payments import Clean
from outreach.extensions import db
from outreach.labels import CONSENT_VERSION
from outreach.models import CoverageTarget, Programme, Region, Registration, RegistrationEvent, User
from outreach.models.types import utcnow
from outreach.services import payments, receipts, tariff
from outreach.services.registrations import next_number

# Given and second names by sex: "Budi Aminah" or a woman called Hendra would make a newcomer doubt the data.
NAMES = {
    "F": (["Siti", "Nur", "Dewi", "Sri", "Rina", "Yanti", "Fitri", "Indah", "Lina", "Ayu", "Citra"],
          ["Aminah", "Lestari", "Rahayu", "Suryani", "Wulandari", "Handayani", "Safitri", "Anggraini"]),
    "M": (["Ahmad", "Budi", "Rudi", "Hendra", "Joko", "Agus", "Rahmat", "Wahyu", "Dedi", "Eko", "Hasan", "Ujang", "Bayu"],
          ["Santoso", "Saputra", "Wijaya", "Hidayat", "Pratama", "Kurniawan", "Setiawan", "Halim", "Fauzi", "Ramadhan",
           "Syahputra", "Maulana"]),
}
STATUSES = ["pending"] * 8 + ["verified"] * 3 + ["submitted"] * 3 + ["active"] * 4 + ["returned", "rejected"]
INCOMES = [1_000_000, 1_000_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000, 5_000_000]
# The ways the workflow reaches each status from pending (every step an allowed move); "corrected" is a
# return that the officer fixed, which puts the registration back in the queue.
PATHS = {
    "pending": [[], ["returned", "corrected"]],
    "verified": [["verified"], ["returned", "corrected", "verified"]],
    "submitted": [["verified", "submitted"]],
    "active": [["verified", "submitted", "active"]],
    "returned": [["returned"], ["verified", "returned"], ["verified", "submitted", "returned"]],
    "rejected": [["rejected"], ["verified", "rejected"], ["verified", "submitted", "rejected"]],
}
RETURN_NOTES = {"incomplete": "DATA DEMO: alamat belum lengkap (RT/RW)", "nik_mismatch": "DATA DEMO: nama beda dengan KTP",
                "ktp_needed": "DATA DEMO: foto KTP buram", "income_program": "DATA DEMO: cek penghasilan",
                "branch_fix": "DATA DEMO: cabang minta nama ibu kandung", "other": "DATA DEMO: hubungi koordinator"}
REJECTED = ["duplicate", "withdrew", "already_participant", "invalid_nik"]
RETURNED_BEFORE_SUBMISSION = [code for code in workflow.RETURN_REASONS if code != "branch_fix"]
MIGRANT_KECAMATAN = ["320101", "167101", "337401"]  # Cibinong (Bogor), Palembang, Semarang: pekerja pendatang
# The programmes: the APBD cohort of 2025 (1,768 workers × Rp16.800 × 6 months), over; a CSR programme open now.
ENDED_PROGRAMME = dict(name="Pekerja rentan APBD Kabupaten 2025", payer="apbd_kabupaten",
                       funder_name="Pemerintah Kabupaten Bangka Selatan", basis="SK Bupati (DATA DEMO)",
                       first_month=date(2025, 8, 1), months=6, with_jht=False, budget=178_214_400, quota=1768)
COHORT = 24  # of the sample rows: registered in July 2025 and paid for by the APBD cohort


def open_programme(today: date) -> dict:
    """A company's programme that began last month and runs a year."""
    first = date(today.year - (today.month == 1), (today.month - 2) % 12 + 1, 1)
    return dict(name=f"CSR PT Timah {first.year}", payer="sponsor", funder_name="PT Timah Tbk (DATA DEMO)",
                basis="PKS (DATA DEMO)", first_month=first, months=12, with_jht=False, budget=40_320_000, quota=200)


def seed_programmes(now: datetime) -> tuple[Programme, Programme]:
    made = []
    for values in (ENDED_PROGRAMME, open_programme(now.astimezone(LOCAL_TZ).date())):
        programme = db.session.scalar(db.select(Programme).where(Programme.name == values["name"]))
        if programme is None:
            programme = Programme(**values)
            db.session.add(programme)
        made.append(programme)
    db.session.flush()
    return made[0], made[1]


def history(status: str, rng: random.Random) -> list[tuple[str, str]]:
    """(from, to) moves from pending to `status`, each one the state machine allows."""
    steps, current, moves = rng.choice(PATHS[status]), "pending", []
    for step in steps:
        target = "pending" if step == "corrected" else step
        assert (current, target) in workflow.TRANSITIONS, (current, target)
        moves.append((current, target))
        current = target
    assert current == status
    return moves


def person(sex: str, rng: random.Random) -> str:
    given, second = NAMES[sex]
    return f"{rng.choice(given)} {rng.choice(second)}"


def seed(teams: dict[str, tuple[int, int]], count: int = 300, rng: random.Random | None = None) -> int:
    """Create `count` demo registrations unless demo rows exist already; returns how many were made.
    `teams` maps a kecamatan code to (officer id, reviewer id): rows go to that kecamatan's desa only."""
    if db.session.scalar(db.select(Registration.id).where(Registration.is_demo.is_(True)).limit(1)):
        return 0
    rng = rng or random.Random(2411)
    villages = db.session.scalars(db.select(Region).where(Region.level == "village", Region.parent_code.in_(teams))
                                  .order_by(Region.code)).all()
    kecamatan_names = dict(db.session.execute(db.select(Region.code, Region.name).where(Region.code.in_(teams))).all())
    home = next(iter(teams)).replace(".", "")[:4]  # the district as a NIK writes it
    migrant = [k for k in MIGRANT_KECAMATAN if not k.startswith(home)]
    now = utcnow()
    ended, running = seed_programmes(now)
    # Dates first, oldest first: numbers are handed out in date order, as the real counter does.
    dates = sorted(now - timedelta(days=rng.randint(0, 55), minutes=rng.randint(0, 600)) for _ in range(count - COHORT))
    july_2025 = sorted(datetime(2025, 7, rng.randint(1, 31), rng.randint(1, 9), rng.randint(0, 59), tzinfo=LOCAL_TZ)
                       for _ in range(COHORT))
    used = set(db.session.scalars(db.select(Registration.nik)))
    earlier = []  # (full_name, sex, born, village) of rows made so far, for a few probable duplicates
    made = []  # (registration, its reviewer, whether in the cohort) of the active rows, for their payments
    for created in july_2025 + dates:
        cohort = created.year == 2025
        day_of_registration = created.date()
        village = rng.choice(villages)
        sex = rng.choice("MF")
        kind = rng.choices(["local", "migrant", "minor", "twin"], [90, 5, 3, 2])[0]
        if kind == "twin" and not earlier:
            kind = "local"
        if kind == "twin":  # the same name and birth date in the same desa: flagged for a look
            full_name, sex, born, village = rng.choice(earlier)
        else:
            full_name = person(sex, rng)
            born = day_of_registration - timedelta(days=rng.randint(15 * 365 + 30, 17 * 365) if kind == "minor"
                                                   else rng.randint(18 * 365 + 5, 60 * 365))
        earlier.append((full_name, sex, born, village))
        kecamatan = village.parent_code
        officer_id, reviewer_id = teams[kecamatan]
        day = born.day + (40 if sex == "F" else 0)
        prefix = rng.choice(migrant) if kind == "migrant" else kecamatan.replace(".", "")
        while True:
            nik = f"{prefix}{day:02d}{born:%m%y}{rng.randint(1, 9999):04d}"
            if nik not in used:
                used.add(nik)
                break
        age_flags = check_age(born, day_of_registration)[1]  # "minor" for 15-17 on that day, as the enrollment sets it
        minor = "minor" in age_flags
        flags = {"migrant": ["outside_district"], "twin": ["probable_duplicate"]}.get(kind, []) + age_flags
        occupation = rng.choice(CODES[:8] * 3 + CODES[8:])
        income = 1_000_000 if cohort else rng.choice(INCOMES)  # the cohort: vulnerable workers
        programs = ["JKK", "JKM"] + (["JHT"] if rng.random() < 0.3 and not cohort else [])
        period = 6 if cohort else rng.choice([1, 1, 3, 6, 12])
        funding = "apbd_kabupaten" if cohort else rng.choice(["self"] * 8 + ["sponsor"] * 2)
        programme = ended if cohort else running if funding == "sponsor" else None
        status = "active" if cohort else rng.choice(STATUSES)
        moves = history(status, rng)
        reasons = {}  # index of a move -> its reason code
        for n, (start, target) in enumerate(moves):
            if target == "returned":  # from submitted, it is the branch that asked
                reasons[n] = "branch_fix" if start == "submitted" else rng.choice(RETURNED_BEFORE_SUBMISSION)
            elif target == "rejected":
                reasons[n] = rng.choice(REJECTED)
        kpj = None
        if status == "active":
            while kpj is None or kpj in used:
                kpj = f"{rng.randint(10**10, 10**11 - 1)}"
            used.add(kpj)
        heir = "anak" if minor else rng.choice(["pasangan", "anak", "orang_tua"])  # a minor's heir: not a spouse
        edits = sum(1 for _start, target in moves if target == "pending")  # each correction is an edit first
        r = Registration(
            number=next_number(created), client_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), status=status,
            officer_id=officer_id, nik=nik, nik_last4=nik[-4:], full_name=full_name, name_key=name_key(full_name),
            birth_place=kecamatan_names[kecamatan], birth_date=born, sex=sex, phone=f"+62812{rng.randint(10_000_000, 99_999_999)}",
            address=f"Dusun {rng.randint(1, 4)} RT 0{rng.randint(1, 9)}", village_code=village.code,
            kecamatan_code=kecamatan, occupation=occupation,
            occupation_other="Penjahit" if occupation == "lainnya" else None, monthly_income=income,
            programs=programs, payment_period=period, funding=funding, programme_id=programme.id if programme else None,
            heir_name=person(("F" if sex == "M" else "M") if heir == "pasangan" else rng.choice("MF"), rng),
            heir_relation=heir, consent_at=created, guardian_name=person(rng.choice("MF"), rng) if minor else None,
            guardian_relation="ibu" if minor else None, consent_method="read_aloud",
            consent_version=CONSENT_VERSION, notes="DATA DEMO", is_demo=True, flags=flags,
            contribution=tariff.contribution_for(income, programs, period, created.date(), funding,
                                                 occupation).as_dict() | {"start": created.date().isoformat()},
            kpj=kpj, reason=workflow.reason_after(status, reasons.get(len(moves) - 1)),
            version=1 + len(moves) + edits, created_at=created, updated_at=created)
        db.session.add(r)
        db.session.flush()
        db.session.add(RegistrationEvent(registration_id=r.id, user_id=officer_id, kind="created", at=created))
        when = created
        span = (datetime(2025, 8, 4, tzinfo=LOCAL_TZ) - created) if cohort else now - created  # KPJ before the programme
        for n, (start, target) in enumerate(moves):
            when += span / (len(moves) + 2)  # spread over the time since, never in the future
            if target == "pending":  # the officer's correction, then the move back to the queue
                db.session.add(RegistrationEvent(registration_id=r.id, user_id=officer_id, kind="edited", at=when,
                                                 changes={"address": ["Dusun 1", r.address]}))
            changes = {"from": start, "to": target}
            if n in reasons:
                changes["reason"] = reasons[n]
                changes["note"] = RETURN_NOTES[reasons[n]] if target == "returned" else "DATA DEMO"
            if target == "active":
                changes["kpj"] = kpj
                r.kpj_at = when
            db.session.add(RegistrationEvent(registration_id=r.id, kind="transition", at=when, changes=changes,
                                             user_id=officer_id if target == "pending" else reviewer_id))
        r.updated_at = when
        receipts.issue(r, officer_id, at=created)  # handed over at the registration, as the officer does
        if status == "active":
            made.append((r, reviewer_id, cohort))
    seed_payments(made, ended, running, now)
    for village in villages[::3]:  # a few targets so the coverage bars mean something
        if db.session.get(CoverageTarget, village.code) is None:
            db.session.add(CoverageTarget(region_code=village.code, informal_workers=rng.randint(40, 120),
                                          updated_by=teams[village.parent_code][1]))
    db.session.flush()
    return count


def pay(r: Registration, first: tuple[int, int], months: int, at: datetime, user: User,
        programme: Programme | None = None) -> None:
    """One payment through the ledger service, dated `at` (its history line and ledger row too)."""
    day = at.astimezone(LOCAL_TZ).date()
    funding = programme.payer if programme else "self"
    clean = Clean(first, months, payments.expected(r, first, months, funding, programme), day,
                  "budget" if programme else ("bank", "pos", "jmo", "minimarket")[r.id % 4])
    line = payments.add(r, clean, user, "programme" if programme else "typed", programme=programme)
    line.recorded_at = at
    event = db.session.scalar(db.select(RegistrationEvent).where(RegistrationEvent.registration_id == r.id,
                                                                 RegistrationEvent.kind == "payment")
                              .order_by(RegistrationEvent.id.desc()).limit(1))
    event.at = r.updated_at = at


def seed_payments(made, ended: Programme, running: Programme, now: datetime) -> None:
    """The payment situations of the module's docstring; every payment after the KPJ, none in the future."""
    this = (now.astimezone(LOCAL_TZ).year, now.astimezone(LOCAL_TZ).month)
    users = {}
    for n, (r, reviewer_id, cohort) in enumerate(made):
        user = users.get(reviewer_id) or users.setdefault(reviewer_id, db.session.get(User, reviewer_id))
        if cohort:
            for i in range(ended.months):  # the programme's months, each paid early in that month
                month = add_months(ended.first_month.year, ended.first_month.month, i)
                pay(r, month, 1, datetime(*month, 5, 10, tzinfo=LOCAL_TZ), user, ended)
            behind = {0: 0, 1: 1}.get(n % 4)  # the others: inactive
            month = add_months(ended.first_month.year, ended.first_month.month, ended.months)
            while behind is not None and add_months(*month, behind) <= this:  # monthly on their own since
                pay(r, month, 1, min(datetime(*month, 8, 9, tzinfo=LOCAL_TZ), now), user)
                month = add_months(*month, 1)
            continue
        since = r.updated_at + (now - r.updated_at) / 3
        if r.programme_id == running.id:  # the sponsor pays each month from the member's first
            start = max((running.first_month.year, running.first_month.month),
                        (r.created_at.astimezone(LOCAL_TZ).year, r.created_at.astimezone(LOCAL_TZ).month))
            month, step = start, 0
            while month <= this:
                step += 1
                pay(r, month, 1, since + (now - since) * step / 14, user, running)
                month = add_months(*month, 1)
        elif n % 3:  # a third of the self-payers await their first payment
            day = since.astimezone(LOCAL_TZ)
            pay(r, (day.year, day.month), r.payment_period, since, user)


def situations(today: date) -> dict[str, int]:
    """The demo's active workers by their protection today (followup.standing): what `demo` prints."""
    found: dict[str, int] = {}
    for paid_through in db.session.scalars(db.select(Registration.paid_through).where(
            Registration.is_demo.is_(True), Registration.status == "active")):
        state = standing(paid_through, today).state
        found[state] = found.get(state, 0) + 1
    return found
