"""Sample registrations for `flask demo` only: a living queue and dashboard for a newcomer.

Every row is marked `is_demo` and carries "DATA DEMO" in its notes; nothing else creates them.
"""
import random
import uuid
from datetime import date, timedelta

from outreach.domain.contribution import contribution_for
from outreach.domain.eligibility import name_key
from outreach.domain.occupations import CODES, TRANSPORT
from outreach.enroll.consent import CONSENT_VERSION
from outreach.enroll.service import next_number
from outreach.extensions import db
from outreach.models import CoverageTarget, Region, Registration, RegistrationEvent
from outreach.models.types import utcnow
from outreach.receipts import service as receipts

FIRST = ["Siti", "Nur", "Dewi", "Sri", "Rina", "Yanti", "Ahmad", "Budi", "Rudi", "Hendra", "Joko", "Agus", "Rahmat",
         "Fitri", "Wahyu", "Indah", "Dedi", "Eko", "Hasan", "Lina", "Ujang", "Ayu", "Bayu", "Citra"]
LAST = ["Aminah", "Santoso", "Saputra", "Lestari", "Wijaya", "Hidayat", "Pratama", "Kurniawan", "Rahayu", "Suryani",
        "Setiawan", "Halim", "Fauzi", "Ramadhan", "Syahputra", "Maulana"]
STATUSES = ["pending"] * 8 + ["verified"] * 3 + ["submitted"] * 3 + ["active"] * 4 + ["returned", "rejected"]
INCOMES = [1_000_000, 1_000_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000, 5_000_000]


def seed(officer_id: int, coordinator_id: int, count: int = 300, rng: random.Random | None = None) -> int:
    """Create `count` demo registrations unless demo rows exist already; returns how many were made."""
    if db.session.scalar(db.select(Registration.id).where(Registration.is_demo.is_(True)).limit(1)):
        return 0
    rng = rng or random.Random(2411)
    villages = db.session.scalars(db.select(Region).where(Region.level == "village",
                                                          Region.code.like("19.03.%"))).all()
    today, now = date.today(), utcnow()
    used = set(db.session.scalars(db.select(Registration.nik)))
    for i in range(count):
        village = rng.choice(villages)
        kecamatan = village.parent_code
        sex = rng.choice("MF")
        born = today - timedelta(days=rng.randint(18 * 365, 60 * 365))
        day = born.day + (40 if sex == "F" else 0)
        while True:
            nik = f"{kecamatan.replace('.', '')}{day:02d}{born:%m%y}{rng.randint(1, 9999):04d}"
            if nik not in used:
                used.add(nik)
                break
        occupation = rng.choice(CODES[:8] * 3 + CODES[8:])
        income = rng.choice(INCOMES)
        programs = ["JKK", "JKM"] + (["JHT"] if rng.random() < 0.3 else [])
        period = rng.choice([1, 1, 3, 6, 12])
        funding = rng.choice(["self"] * 6 + ["apbd"] * 3 + ["sponsor"])
        created = now - timedelta(days=rng.randint(0, 55), minutes=rng.randint(0, 600))
        status = rng.choice(STATUSES)
        full_name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        r = Registration(
            number=next_number(created), client_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), status=status,
            officer_id=officer_id, nik=nik, nik_last4=nik[-4:], full_name=full_name, name_key=name_key(full_name),
            birth_place="Toboali", birth_date=born, sex=sex, phone=f"+62812{rng.randint(10_000_000, 99_999_999)}",
            address=f"Dusun {rng.randint(1, 4)} RT 0{rng.randint(1, 9)}", village_code=village.code,
            kecamatan_code=kecamatan, occupation=occupation,
            occupation_other="Penjahit" if occupation == "lainnya" else None, monthly_income=income,
            programs=programs, payment_period=period, funding=funding,
            sponsor_name="CSR PT Timah" if funding == "sponsor" else None, heir_name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            heir_relation=rng.choice(["pasangan", "anak", "orang_tua"]), consent_at=created,
            consent_version=CONSENT_VERSION, notes="DATA DEMO", is_demo=True, flags=[],
            contribution=contribution_for(income, programs, period, created.date(), funding,
                                          occupation in TRANSPORT).as_dict() | {"start": created.date().isoformat()},
            kpj=f"{rng.randint(10**10, 10**11 - 1)}" if status == "active" else None,
            reason=rng.choice(["duplicate", "withdrew", "already_participant"]) if status == "rejected" else None,
            version=1, created_at=created, updated_at=created)
        db.session.add(r)
        db.session.flush()
        db.session.add(RegistrationEvent(registration_id=r.id, user_id=officer_id, kind="created", at=created))
        if status != "pending":
            db.session.add(RegistrationEvent(registration_id=r.id, user_id=coordinator_id, kind="transition",
                                             at=created + timedelta(days=1),
                                             changes={"from": "pending", "to": status, "note": "DATA DEMO"}))
        receipts.issue(r, officer_id)
    for village in villages[::3]:  # a few targets so the coverage bars mean something
        if db.session.get(CoverageTarget, village.code) is None:
            db.session.add(CoverageTarget(region_code=village.code, informal_workers=rng.randint(40, 120),
                                          updated_by=coordinator_id))
    db.session.commit()
    return count
