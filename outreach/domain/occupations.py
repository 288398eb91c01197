"""The occupations officers choose from, most common in Bangka Selatan first, and which of them PP 50/2025
treats as transport BPU (a longer contribution discount: data/bpu_rules.md, "Transport").

Transport per Kemnaker/BPJS (M–H): ojek drivers, sopir (angkot, bus, truck, pick-up, car), couriers of parcels and
logistics. Boatmen carrying passengers or goods between the islands (Toboali–Lepar–Pongok) are decided by no
source (L): the district's setting BOAT_TRANSPORT, non-transport by default. Labels are in outreach/labels.py.
"""
BOAT = "by_setting"  # transport only when the district says so

OCCUPATIONS = (
    # code, transport: True, False or BOAT
    ("nelayan", False),
    ("petani", False),
    ("pekebun", False),
    ("peternak", False),
    ("pembudidaya_ikan", False),
    ("buruh_tani", False),
    ("buruh_nelayan", False),
    ("pedagang", False),
    ("penambang_timah", False),
    ("pengrajin", False),
    ("pengemudi_ojek", True),
    ("sopir", True),
    ("kurir", True),
    ("pengemudi_perahu", BOAT),
    ("lainnya", False),
)
CODES = tuple(code for code, _transport in OCCUPATIONS)
TRANSPORT = frozenset(code for code, transport in OCCUPATIONS if transport is True)
BOAT_TRANSPORT = frozenset(code for code, transport in OCCUPATIONS if transport == BOAT)
OTHER = "lainnya"


def transport_codes(boat_transport: bool = False) -> frozenset[str]:
    """The occupations counted as transport, given the district's setting for inter-island boats."""
    return TRANSPORT | BOAT_TRANSPORT if boat_transport else TRANSPORT
