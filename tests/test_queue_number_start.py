"""The queue searched by the start of a number, page by page, against a Python reference: both paths (the newest
rows walked, or the matches alone), filters, two kecamatan, ties in time."""
import random
from datetime import timedelta

import pytest

from outreach.extensions import db
from outreach.models import Registration, User
from outreach.models.types import utcnow
from outreach.services import queue
from tests.review_helpers import bulk_rows


@pytest.mark.parametrize("walk", [1, 5, 2000])
def test_a_number_start_pages_like_a_reference_in_every_filter_and_kecamatan(app, users, make_user, monkeypatch, walk):
    monkeypatch.setattr(queue, "WALK", walk)
    other = make_user("koord2", "coordinator", kecamatan="19.03.02")
    rnd = random.Random(walk)
    now = utcnow()
    made = []
    for i in range(120):
        when = now - timedelta(minutes=rnd.choice(range(0, 400, 7)))
        kec = rnd.choice(["19.03.01", "19.03.02"])
        status = rnd.choice(["pending", "verified", "rejected"])
        flags = rnd.choice([[], ["minor"], ["minor", "employs_others"], ["employs_others"]])
        number = f"BS-{rnd.choice(['2510', '2511', '2611'])}-{i:06d}"
        bulk_rows(app, users["officer"], 1, start=i, created_at=when, number=number, kecamatan_code=kec,
                  status=status, flags=flags, village_code=kec + (".1001" if kec.endswith("01") else ".2001"))
        made.append(dict(when=when, id=None, number=number, kec=kec, status=status, flags=flags))
    with app.app_context():
        ids = dict(db.session.execute(db.select(Registration.number, Registration.id)).all())
        for m in made:
            m["id"] = ids[m["number"]]
        for uid, kec in ((users["coordinator"], "19.03.01"), (other, "19.03.02"), (users["admin"], None)):
            user = db.session.get(User, uid)
            for q in ("BS-2510", "bs-2511-0000", "BS-2"):
                for status in (None, "pending"):
                    for flag in (None, "minor"):
                        for newest in (True, False):
                            for size in (2, 50):
                                f = queue.Filters(status=status, kecamatan=kec, flag=flag, q=q)
                                exp = sorted((m for m in made if m["number"].startswith(q.upper())
                                              and (kec is None or m["kec"] == kec)
                                              and (status is None or m["status"] == status)
                                              and (flag is None or flag in m["flags"])),
                                             key=lambda m: (m["when"].replace(tzinfo=None), m["id"]), reverse=newest)
                                seen, after = [], None
                                while True:
                                    rows, cur = queue.page(user, f, after, newest, size)
                                    seen += [r.number for r in rows]
                                    if not cur:
                                        break
                                    after = queue.parse_cursor(cur)
                                assert seen == [m["number"] for m in exp], (uid, q, status, flag, newest, size)
                                counts = queue.counts_by_status(user, f)
                                assert (counts[status] if status else sum(counts.values())) == len(exp)
