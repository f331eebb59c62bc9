"""Reading a rendered PDF back as a reader meets it: how many pages, how full each one is, and
on which page a line of text sits (pypdfium2, the PDFium engine browsers use)."""

from dataclasses import dataclass

import pypdfium2
import pypdfium2.raw as pdfium

MM = 72 / 25.4
# The print stylesheet's page margins (routines/static/routines/print.css): top, bottom.
MARGINS_MM = {False: (15, 20), True: (15, 24)}
_DRAWN = (pdfium.FPDF_PAGEOBJ_TEXT, pdfium.FPDF_PAGEOBJ_PATH, pdfium.FPDF_PAGEOBJ_IMAGE)


@dataclass
class Page:
    text: str
    # How much of the height between the margins the content reaches down to, 0 to 1.
    fill: float


@dataclass
class Layout:
    pages: list[Page]

    def pages_of(self, needle: str) -> list[int]:
        """The page of each place `needle` appears (words squashed), in reading order."""
        wanted = " ".join(needle.split())
        return [
            number for number, page in enumerate(self.pages) for _ in range(page.text.count(wanted))
        ]


def layout(pdf: bytes, *, large_print: bool = False) -> Layout:
    top_mm, bottom_mm = MARGINS_MM[large_print]
    document = pypdfium2.PdfDocument(pdf)
    pages = []
    for page in document:
        _, height = page.get_size()
        content_top, content_bottom = height - top_mm * MM, bottom_mm * MM
        lowest = content_top
        for item in page.get_objects(filter=_DRAWN, max_depth=8):
            _, bottom, _, top = item.get_bounds()
            if top <= content_bottom or bottom >= content_top:
                continue  # the running footer and page number live in the margins
            lowest = min(lowest, bottom)
        # Only the text between the margins: the running footer repeats on every page.
        text = " ".join(
            page.get_textpage().get_text_bounded(bottom=content_bottom, top=content_top).split()
        )
        fill = (content_top - max(lowest, content_bottom)) / (content_top - content_bottom)
        pages.append(Page(text=text, fill=round(fill, 3)))
    return Layout(pages)
