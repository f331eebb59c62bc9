"""Figures on paper: the far limb and the props stay visible on a greyscale printer.

Contrast is WCAG 2's ratio of relative luminance, computed from the colours the SVG itself
carries in its presentation attributes (what a printer gets), against white paper and the mat.
"""

import re
from xml.etree import ElementTree

import pytest

from routines.library.figures import figure_svg
from routines.library.figures.svg import GAP, MAT_FILL, NEAR
from routines.library.loader import library_figures, read_library

FIGURES = library_figures(read_library())
SVG = "{http://www.w3.org/2000/svg}"
WHITE = "#ffffff"


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    high, low = sorted([luminance(first), luminance(second)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def drawn_colours(svg: str) -> dict[str, set[str]]:
    """Limb fills and prop fills as the SVG gives them (the white outline and mat apart)."""
    root = ElementTree.fromstring(svg)  # noqa: S314 (our own output)
    colours: dict[str, set[str]] = {"limb": set(), "prop": set()}
    for element in root.iter():
        fill = element.get("fill", "")
        if not re.fullmatch(r"#[0-9a-f]{6}", fill) or fill in (GAP, MAT_FILL):
            continue
        if element.tag == f"{SVG}path":
            colours["limb"].add(fill)
        elif element.tag == f"{SVG}polygon":
            colours["prop"].add(fill)
    return colours


def test_the_contrast_ratio_is_wcags():
    assert contrast("#000000", WHITE) == pytest.approx(21)
    assert contrast("#777777", WHITE) == pytest.approx(4.48, abs=0.01)


# Figures with a far limb, a block, a chair, a wall, a bolster and a blanket between them.
SAMPLES = [
    ("lizard", "hands-on-blocks"),
    ("supported-bridge", ""),
    ("chair-figure-four", ""),
    ("legs-up-the-wall", ""),
    ("supported-fish", ""),
    ("cat-cow", "padded-knees"),
]


@pytest.mark.parametrize("key", SAMPLES, ids="/".join)
def test_far_limbs_and_props_keep_3_to_1_against_paper_and_mat(key):
    colours = drawn_colours(figure_svg(FIGURES[key], "figure"))
    assert colours["prop"], "the sample draws a prop"
    for colour in (colours["limb"] - {NEAR}) | colours["prop"]:
        assert contrast(colour, WHITE) >= 3, colour
        assert contrast(colour, MAT_FILL) >= 3, colour


def test_a_side_view_draws_the_far_limb_in_its_own_tone():
    colours = drawn_colours(figure_svg(FIGURES[("lizard", "")], "Lizard"))
    assert NEAR in colours["limb"] and len(colours["limb"]) == 2


def test_the_near_limb_stays_the_darkest_tone():
    colours = drawn_colours(figure_svg(FIGURES[("lizard", "")], "Lizard"))
    for colour in colours["limb"] | colours["prop"]:
        assert luminance(NEAR) <= luminance(colour)
