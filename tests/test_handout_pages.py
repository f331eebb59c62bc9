"""The handout fits the page: read back from the PDF (pypdfium2) in A4, Letter and both large
prints. A step stays on one page with its figure, no heading is left at a page's foot, no page
but the last is under 40% full, the practice log keeps its fourteen days together, and the
handouts are as short as they can be."""

import pytest

from clients.demo import seed_clients
from routines.demo import seed_routines, seed_tailored_routines
from routines.models import HandoutSettings, Routine
from routines.paper import handouts
from routines.paper.handouts import PrintOptions
from tests.factories import RoutineFactory, RoutineStepFactory, library_pose
from tests.pdf_layout import Layout, layout

pytestmark = pytest.mark.django_db

# Eight steps: long lines, a wide figure (cat-cow's two shapes), versions and side-lying.
EIGHT_STEPS = [
    ("belly-breathing", ""),
    ("knees-to-chest", "calves-on-chair"),
    ("reclined-figure-four", ""),
    ("childs-pose", "forehead-on-block-eyes-open"),
    ("cat-cow", "padded-knees"),
    ("butterfly", ""),
    ("side-lying-clamshell", ""),
    ("constructive-rest", ""),
]
PAPERS = [("A4", False), ("A4", True), ("Letter", False), ("Letter", True)]
HOLD_LINE = "Shorter or longer is fine, and so is skipping it."
SECTION_HEADINGS = [
    "Your practice at a glance",
    "Before you begin",
    "Your choices",
    "Your practice",
    "Practising at home",
    "Other support you might explore",
    "Questions or changes",
    "My practice log (if you like)",
]


def _demo(world) -> list[Routine]:
    seed_clients(world.studio, world.alice, world.bob)
    seed_routines(world.studio, world.bob.user)
    seed_tailored_routines(world.studio, world.bob.user)
    return list(Routine.objects.filter(studio=world.studio).order_by("title"))


@pytest.fixture
def rosa(world) -> Routine:
    """The demo's five-step routine tailored for Rosa (three steps in her own versions)."""
    return next(routine for routine in _demo(world) if routine.title == "Steady hips, week six")


@pytest.fixture
def eight(world) -> Routine:
    routine = RoutineFactory(studio=world.studio, title="Eight steps")
    for number, (slug, version) in enumerate(EIGHT_STEPS, start=1):
        pose = library_pose(slug)
        RoutineStepFactory(
            routine=routine,
            position=number,
            pose=pose,
            modification=pose.modifications.get(slug=version) if version else None,
            cue="",
        )
    return routine


def _printed(routine: Routine, paper: str, large: bool) -> Layout:
    HandoutSettings.objects.filter(studio=routine.studio).update(paper_size=paper)
    html = handouts.handout_html(routine, PrintOptions(large_print=large), None)
    return layout(handouts.render_pdf(html, routine.studio), large_print=large)


def _check_pages(routine: Routine, printed: Layout) -> None:
    pages = printed.pages
    fills = [page.fill for page in pages]
    assert all(fill >= 0.4 for fill in fills[:-1]), fills
    # Each step: its heading (the last place its "N. name" appears: the overview comes first)
    # and its closing line on one page, so its figure and lines, printed between, are too.
    holds = printed.pages_of(HOLD_LINE)
    assert len(holds) == routine.steps.count()
    for number, row in enumerate(handouts._steps(list(routine.steps.all()), PrintOptions()), 1):
        heading = printed.pages_of(f"{number}. {row.name}")[-1]
        assert heading == holds[number - 1], (number, row.name, fills)
    # No heading is the last words on a page.
    step_headings = [
        f"{row.number}. {row.name}"
        for row in handouts._steps(list(routine.steps.all()), PrintOptions())
    ]
    for page in pages[:-1]:
        for heading in SECTION_HEADINGS + step_headings:
            assert not page.text.endswith(heading), (heading, fills)
    # The log's two weeks, all fourteen days, on one page.
    [log_page] = printed.pages_of("My practice log (if you like)")
    # (Letter-spaced, the scale may read back as "1 0" for 10: spaces do not count.)
    assert pages[log_page].text.replace(" ", "").count("012345678910") == 14


@pytest.mark.parametrize(("paper", "large"), PAPERS)
def test_every_demo_handout_keeps_every_step_whole_and_every_page_full_enough(world, paper, large):
    for routine in _demo(world):
        _check_pages(routine, _printed(routine, paper, large))


@pytest.mark.parametrize(("paper", "large"), PAPERS)
def test_an_eight_step_handout_keeps_every_step_whole_and_every_page_full_enough(
    eight, paper, large
):
    _check_pages(eight, _printed(eight, paper, large))


def test_a_five_step_a4_handout_is_at_most_four_pages_and_one_more_with_other_ways(rosa):
    assert rosa.steps.count() == 5
    assert rosa.offer_other_ways
    assert len(_printed(rosa, "A4", False).pages) <= 5
    Routine.objects.filter(pk=rosa.pk).update(offer_other_ways=False)
    rosa.refresh_from_db()
    assert len(_printed(rosa, "A4", False).pages) <= 4


def test_an_eight_step_a4_handout_is_at_most_six_pages(eight):
    assert len(_printed(eight, "A4", False).pages) <= 6


def _widths_mm(html: str, studio) -> dict[str, list[float]]:
    """The laid-out width of every step figure and overview thumbnail, in millimetres, from
    WeasyPrint's own boxes (the same stylesheet and fetcher as the PDF)."""
    from weasyprint import HTML

    from routines.paper.handouts import ASSET_ORIGIN
    from routines.paper.pdf import StudioURLFetcher, _print_setup

    font_config, stylesheet = _print_setup()
    document = HTML(string=html, base_url=ASSET_ORIGIN, url_fetcher=StudioURLFetcher(studio))
    rendered = document.render(stylesheets=[stylesheet], font_config=font_config)
    widths: dict[str, list[float]] = {"step-figure": [], "overview-figure": []}

    def walk(box) -> None:
        classes = (box.element.get("class") or "").split() if box.element is not None else []
        for name in widths:
            if name in classes and box.element_tag != "svg" and box.width:
                widths[name].append(box.width * 25.4 / 96)
        for child in getattr(box, "children", []):
            walk(child)

    for page in rendered.pages:
        walk(page._page_box)
    return widths


@pytest.mark.parametrize(("large", "step_mm"), [(False, 55), (True, 70)])
def test_figures_are_large_enough_to_read_on_paper(eight, large, step_mm):
    html = handouts.handout_html(eight, PrintOptions(large_print=large), None)
    widths = _widths_mm(html, eight.studio)
    assert len(widths["step-figure"]) == len(widths["overview-figure"]) == len(EIGHT_STEPS)
    assert min(widths["step-figure"]) >= step_mm - 0.5, widths
    assert min(widths["overview-figure"]) >= 28 - 0.5, widths


def test_the_overview_gives_each_steps_hold_beside_its_thumbnail(eight):
    html = handouts.handout_html(eight, PrintOptions(), None)
    overview = html.split('class="overview"', 1)[1].split("</section>", 1)[0]
    assert overview.count('class="overview-figure') == len(EIGHT_STEPS)
    assert overview.count("about 5 breaths") >= 1
