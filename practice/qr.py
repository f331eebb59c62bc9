"""A private link as a QR code: the practice link on the handout, the intake link on the
welcome sheet."""

import segno
from django.utils.safestring import SafeString, mark_safe

# A printed code should still read when the sheet is creased or smudged: level Q restores
# about a quarter of the code. About 3 cm across is easy for a phone at arm's length.
QR_ERROR_LEVEL = "q"
QR_SIZE_MM = 32
QR_BORDER = 4


def qr_svg(url: str, title: str = "QR code of your practice link") -> SafeString:
    """The URL as a QR code in SVG: vector, so it prints sharp at any size, drawn with one
    path and presentation attributes only (no style attribute: our CSP and the PDF's)."""
    code = segno.make(url, error=QR_ERROR_LEVEL, micro=False, boost_error=False)
    width, _ = code.symbol_size(border=QR_BORDER)
    svg = code.svg_inline(
        scale=round(QR_SIZE_MM / width, 4),
        unit="mm",
        border=QR_BORDER,
        dark="#000",
        title=title,
        svgclass="qr-code",
        lineclass=None,
    )
    # segno escapes the title and builds the rest from numbers: nothing else goes in.
    return mark_safe(svg)  # noqa: S308
