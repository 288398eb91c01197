"""QR codes per second on one core: the receipt's SVG for a new token, the same SVG again (kept), and the PNG.

Prints the median of 5 runs with the spread, and, for scale, `make(fit=True)` (every size tried, all 8 masks
scored) as the receipt did before. Run: python bench/qr.py
"""
import itertools
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import qrcode  # noqa: E402
from qrcode.constants import ERROR_CORRECT_Q  # noqa: E402

from outreach.receipts import qr  # noqa: E402

BASE = "https://bpu.bangkaselatankab.go.id/s/"
counter = itertools.count()


def new_url() -> str:
    return BASE + f"{next(counter):032d}"


def rate(call, seconds=1.0) -> float:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        call()
        n += 1
    return n / (time.perf_counter() - start)


def fitted():
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=4)
    code.add_data(new_url())
    code.make(fit=True)
    code.get_matrix()


def report(label, call, runs=5):
    rates = [rate(call) for _ in range(runs)]
    print(f"  {label:<34} {statistics.median(rates):8.0f}/s  (range {min(rates):.0f}–{max(rates):.0f})")


if __name__ == "__main__":
    kept = new_url()
    print("QR codes per second, one core, medians of 5 runs of 1 s:")
    report("SVG, new token", lambda: qr.svg(new_url(), "t"))
    report("SVG, same token again (kept)", lambda: qr.svg(kept, "t"))
    report("PNG, new token", lambda: qr.png(new_url()))
    report("before: make(fit=True), matrix only", fitted)
