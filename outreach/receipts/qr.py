"""QR codes of status URLs: inline SVG for the page, PNG for sharing, both from the `qrcode` package.

Error correction Q (25%) survives a smudged thermal slip and a screen photographed by another phone; the
standard 4-module quiet zone is kept white in both renderings.

Speed: `make(fit=True)` tries every size and scores all 8 mask patterns each time (~7 ms). Status URLs all have
one length per deployment, so the size is found once per length, and one fixed mask is used: any of the 8 is
valid and decodes the same (the scoring only avoids patterns that are merely harder for poor scanners; tests
decode every code with zxing-cpp). A receipt's token never changes, so its SVG is kept too.
"""
import io
from functools import lru_cache
from html import escape

import qrcode
import qrcode.util
from qrcode.constants import ERROR_CORRECT_Q

QUIET_ZONE = 4
MASK = 2  # columns mod 3: a fixed, valid pattern (see above)


@lru_cache(maxsize=64)
def version_for(size: int) -> int:
    """The smallest QR version holding `size` bytes in byte mode: enough for any text of that many UTF-8 bytes
    (a denser mode would fit in it too)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q)
    code.add_data(qrcode.util.QRData(b"a" * size, mode=qrcode.util.MODE_8BIT_BYTE))
    return code.best_fit()


def coded(data: str, **options) -> qrcode.QRCode:
    size = len(data.encode("utf-8"))
    code = qrcode.QRCode(version=version_for(size), error_correction=ERROR_CORRECT_Q, border=QUIET_ZONE,
                         mask_pattern=MASK, **options)
    code.add_data(qrcode.util.QRData(data.encode("utf-8"), mode=qrcode.util.MODE_8BIT_BYTE))
    code.make(fit=False)
    return code


def matrix(data: str) -> list[list[bool]]:
    return coded(data).get_matrix()  # includes the quiet zone


@lru_cache(maxsize=2048)
def svg(data: str, title: str) -> str:
    """A compact SVG (one path, dark runs merged per row) that scales with CSS."""
    rows = matrix(data)
    size = len(rows)
    path = []
    for y, row in enumerate(rows):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                path.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" '
            f'aria-label="{escape(title)}" shape-rendering="crispEdges" class="qr">'
            f'<rect width="{size}" height="{size}" fill="#fff"/>'
            f'<path d="{"".join(path)}" fill="#000"/></svg>')


def png(data: str, box_size: int = 10) -> bytes:
    code = coded(data, box_size=box_size)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()
