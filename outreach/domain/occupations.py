"""The occupations officers choose from, most common in Bangka Selatan first.

`transport` marks the work PP 50/2025 treats as transport BPU (a longer contribution discount).
Labels are translated in the web layer (outreach/labels.py).
"""
OCCUPATIONS = (
    # code, transport
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
    ("kurir", True),
    ("lainnya", False),
)
CODES = tuple(code for code, _transport in OCCUPATIONS)
TRANSPORT = frozenset(code for code, transport in OCCUPATIONS if transport)
OTHER = "lainnya"
