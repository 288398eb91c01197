"""QR codes of status URLs: inline SVG for the page, PNG for sharing, both from the `qrcode` package.

Error correction Q (25%) survives a smudged thermal slip and a screen photographed by another phone; the
standard 4-module quiet zone is kept white in both renderings.
"""
import io
from html import escape

import qrcode
from qrcode.constants import ERROR_CORRECT_Q

QUIET_ZONE = 4


def matrix(data: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()  # includes the quiet zone


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
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=QUIET_ZONE, box_size=box_size)
    code.add_data(data)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()
