import io
import socket
import threading
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from clients.demo import CONSENT_TEXT as DEMO_CONSENT_TEXT
from clients.models import AuditEvent
from clients.vocabulary import TouchConsent
from routines.models import HandoutSettings
from routines.paper import handouts
from routines.paper.handouts import ASSET_ORIGIN
from routines.paper.pdf import RefusedResource, StudioURLFetcher
from tests.factories import (
    ClientFactory,
    ConsentDocumentFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    TriggerFactory,
    library_pose,
)
from tests.readability import reading_ease

pytestmark = pytest.mark.django_db
STEP_SLUGS = ["belly-breathing", "butterfly", "childs-pose", "reclined-figure-four"]


@pytest.fixture
def tailored(world):
    client = ClientFactory(
        studio=world.studio,
        preferred_name="Rosa",
        full_name="Rosa Delgado",
        touch_consent=TouchConsent.NO,
    )
    PrecautionFactory(client=client, note="Surgeon: nothing past ninety degrees")
    TriggerFactory(client=client, note="Startles at footsteps behind", what_helps="Face the door")
    routine = RoutineFactory(
        studio=world.studio,
        client=client,
        title="Rosa's gentle hips",
        notes="Watch the right hip closely",
        created_by=world.bob.user,
    )
    for position, slug in enumerate(STEP_SLUGS, start=1):
        RoutineStepFactory(
            routine=routine,
            position=position,
            pose=library_pose(slug),
            cue="Only as far as feels kind",
            teacher_note="Offer the chair if she tires",
        )
    return routine


def _download(world, membership, name, routine, **params):
    url = reverse(name, args=[world.studio.code, routine.code])
    if name == "routine_handout":
        # Rosa's routine keeps its safety conflicts on purpose: these tests are about the PDF,
        # so they confirm the print (tests/test_safety_views.py tests the question itself).
        params.setdefault("confirmed", "1")
    return world.client_for(membership).get(url, params)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_handout_carries_safety_and_consent_language_and_the_preferred_name(world, tailored):
    response = _download(world, world.ada, "routine_handout", tailored)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = _text(response.content)
    for phrase in (
        "Rosa",
        "Before you begin",
        "sharp, shooting or pinching pain",
        "Keep breathing",
        "check with your doctor",
        "Every pose here is optional",
        "You can stop at any time",
        "Resting is always a good choice",
        "No hands-on help",
        "This is not medical advice",
        "Practising at home",
        "Other support you might explore",
        "Butterfly",
    ):
        assert phrase in text, phrase


def test_the_handout_never_prints_private_details(world, tailored):
    text = _text(_download(world, world.bob, "routine_handout", tailored).content)
    for private in (
        "Surgeon",
        "ninety degrees",
        "Startles",
        "Face the door",
        "Watch the right hip",
        "Offer the chair",
        "Rosa Delgado",
        "Hip replacement",
        "posterior",
    ):
        assert private.lower() not in text.lower(), private


def test_a_chosen_version_is_printed_in_place_of_the_pose(world, tailored):
    step = tailored.steps.get(pose__slug="childs-pose")
    step.modification = step.pose.modifications.get(slug="bolster-under-torso")
    step.save()
    text = " ".join(_text(_download(world, world.bob, "routine_handout", tailored).content).split())
    # The version is the step: its name heads it, the pose is named only as what it varies,
    # and the pose's own lines are not printed for it.
    assert "Bolster under the torso" in text
    assert "A version of Child's pose" in text
    assert "big toes together" not in text
    assert "you fold forward with your hips toward your heels" not in text


def test_a_version_with_its_own_lines_prints_them_and_not_the_pose_lines(world, tailored):
    step = tailored.steps.get(pose__slug="childs-pose")
    version = step.pose.modifications.get(slug="bolster-under-torso")
    version.steps = [
        "If you like, set a bolster lengthwise on your mat.",
        "You might lower your chest onto it, as slowly as you like.",
        "Whenever you like, press your hands down and come back up.",
    ]
    version.save()
    step.modification = version
    step.save()
    text = " ".join(_text(_download(world, world.bob, "routine_handout", tailored).content).split())
    assert "set a bolster lengthwise on your mat" in text
    assert text.index("A version of Child's pose") < text.index("set a bolster lengthwise")
    assert "big toes together" not in text


def test_fonts_are_embedded_and_the_pdf_is_tagged_with_metadata(world, tailored):
    reader = PdfReader(io.BytesIO(_download(world, world.bob, "routine_handout", tailored).content))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0].get_object() if descendant else font)["/FontDescriptor"]
            fonts[str(font["/BaseFont"])] = descriptor.get_object()
    assert fonts and all("Atkinson" in name for name in fonts)
    assert all(
        {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor) for descriptor in fonts.values()
    )
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert reader.metadata.title == "Rosa's gentle hips"
    assert reader.metadata.author == world.studio.name


def test_page_count_stays_sane_for_short_and_long_routines(world):
    one = RoutineFactory(studio=world.studio)
    RoutineStepFactory(routine=one, position=1, pose=library_pose("butterfly"))
    twenty = RoutineFactory(studio=world.studio)
    for position in range(1, 21):
        RoutineStepFactory(routine=twenty, position=position, pose=library_pose("lizard"))
    pages = {}
    for routine in (one, twenty):
        pdf = _download(world, world.bob, "routine_handout", routine).content
        pages[routine.pk] = len(PdfReader(io.BytesIO(pdf)).pages)
    # Cover and overview, the step, home practice and contacts, and the practice log page.
    assert 1 <= pages[one.pk] <= 4
    assert pages[one.pk] < pages[twenty.pk] <= 14


def test_large_print_takes_more_room(world, tailored):
    def page_count(**params) -> int:
        pdf = _download(world, world.bob, "routine_handout", tailored, **params).content
        return len(PdfReader(io.BytesIO(pdf)).pages)

    assert page_count(large="1") > page_count()


def test_a_repeat_download_is_served_from_the_cache(world, tailored):
    untailored = tailored
    untailored.client = None
    untailored.save()
    with mock.patch.object(handouts, "render_pdf", wraps=handouts.render_pdf) as render:
        first = _download(world, world.bob, "routine_handout", untailored).content
        second = _download(world, world.ada, "routine_handout", untailored).content
        assert render.call_count == 1
        assert first == second
        step = untailored.steps.first()
        step.cue = "A new cue"
        step.save()
        third = _download(world, world.bob, "routine_handout", untailored).content
        assert render.call_count == 2
        assert "A new cue" in _text(third)
        HandoutSettings.objects.filter(studio=world.studio).update(
            safety_text="Only this one line."
        )
        _download(world, world.bob, "routine_handout", untailored)
        assert render.call_count == 3


def test_pdfs_about_one_client_are_rendered_every_time(world, tailored):
    with mock.patch.object(handouts, "render_pdf", wraps=handouts.render_pdf) as render:
        for name in ("routine_handout", "routine_handout", "routine_teacher_sheet") * 2:
            _download(world, world.bob, name, tailored)
        assert render.call_count == 6


def test_the_handout_download_has_a_fixed_query_count(world, tailored, django_assert_num_queries):
    client = world.client_for(world.bob)
    url = reverse("routine_handout", args=[world.studio.code, tailored.code]) + "?confirmed=1"
    client.get(url)
    RoutineStepFactory(routine=tailored, position=9, pose=library_pose("lizard"))
    PrecautionFactory(client=tailored.client, condition="knee_injury", side="both")
    # 1 session, 2 user, 3 routine with its client, 4 the practice link, 5-7 the safety check
    # (steps, precautions, triggers), 8 steps with poses and modifications, 9-11 the other ways
    # to do each step (the poses' modifications, their alternatives, the alternatives'
    # modifications), 12 handout settings, 13-15 audit entry (savepoint, insert, release); the
    # session is not saved, and her memberships are kept from her first page
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200


def test_every_print_is_audited(world, tailored):
    ConsentDocumentFactory(studio=world.studio)  # without a text there is no form to print
    _download(world, world.ada, "routine_handout", tailored)
    _download(world, world.bob, "routine_teacher_sheet", tailored)
    world.client_for(world.ada).get(
        reverse("client_consent_form", args=[world.studio.code, tailored.client.code])
    )
    prints = AuditEvent.objects.filter(action="print", client=tailored.client)
    assert sorted(prints.values_list("record_type", flat=True)) == [
        "client handout",
        "consent form",
        "teacher sheet",
    ]


def test_the_teacher_sheet_holds_what_the_teacher_needs_marked_confidential(world, tailored):
    text = _text(_download(world, world.bob, "routine_teacher_sheet", tailored).content)
    for phrase in (
        "CONFIDENTIAL",
        "Rosa Delgado",
        "Surgeon: nothing past ninety degrees",
        "Startles at footsteps behind",
        "Face the door",
        "No touch",
        "Watch the right hip",
        "Offer the chair if she tires",
        "Heads-up",
    ):
        assert phrase in text, phrase


def test_assistants_cannot_print_the_teacher_sheet(world, tailored):
    assert _download(world, world.ada, "routine_teacher_sheet", tailored).status_code == 403


def test_the_consent_form_prints_the_current_version_blank_or_for_a_client(world, tailored):
    ConsentDocumentFactory(studio=world.studio, version=1, text="Old words.")
    ConsentDocumentFactory(studio=world.studio, version=2, text="Taking part is your choice.")
    blank = world.client_for(world.ada).get(reverse("consent_form", args=[world.studio.code]))
    text = _text(blank.content)
    assert "Taking part is your choice." in text and "Old words" not in text
    assert "Version 2" in text and "Signature" in text and "Rosa" not in text
    filled = world.client_for(world.ada).get(
        reverse("client_consent_form", args=[world.studio.code, tailored.client.code])
    )
    assert "Rosa Delgado" in _text(filled.content)


def test_the_consent_form_offers_the_touch_choice_and_an_optional_emergency_contact(world):
    ConsentDocumentFactory(studio=world.studio, version=1, text=DEMO_CONSENT_TEXT)
    pdf = world.client_for(world.bob).get(reverse("consent_form", args=[world.studio.code]))
    text = _text(pdf.content)
    # Tick boxes for the three choices the studio records for touch.
    assert len(TouchConsent.choices) == 3
    for choice in (
        "Yes: hands-on help is welcome.",
        "No: please do not touch me.",
        "Ask me each time.",
    ):
        assert choice in text, choice
    html = handouts.consent_form_html(world.studio, None, None, handouts.PrintOptions())
    assert html.split('class="choices"')[1].count('class="box"') == 3
    assert "Someone to call in an emergency (if you like)" in text


def test_the_consent_form_reads_as_easily_as_the_handouts(world):
    """Flesch reading ease of every word on the printed form: the studio's text (the demo's
    here) and the form's own lines, read back from the PDF."""
    ConsentDocumentFactory(studio=world.studio, version=1, text=DEMO_CONSENT_TEXT)
    pdf = world.client_for(world.bob).get(reverse("consent_form", args=[world.studio.code]))
    assert reading_ease(_text(pdf.content)) >= 80


def test_owner_handout_settings_change_the_handout(world, tailored):
    url = reverse("handout_settings", args=[world.studio.code])
    data = {
        "accent_colour": "#334455",
        # The words every handout must keep (see tests/test_handout_texts.py).
        "safety_text": "Go slowly.\nCome out at any sharp pain.\nKeep breathing.",
        "choice_text": "Everything is optional.\nYou can stop at any time.",
        "contact_line": "Call Maya on 0123",
        "paper_size": "letter",
        "card_welcome_text": "Hands-on support welcome",
        "card_no_touch_text": "No hands-on support, thank you",
    }
    assert world.client_for(world.alice).post(url, data).status_code == 302
    pdf = _download(world, world.bob, "routine_handout", tailored).content
    assert "Call Maya on 0123" in _text(pdf)
    width = float(PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width)
    assert round(width) == 612  # US Letter, in points
    bad = world.client_for(world.alice).post(url, {**data, "accent_colour": "red"})
    assert bad.status_code == 400
    assert "Call Maya on 0123" in bad.text
    assert world.client_for(world.bob).get(url).status_code == 403


def test_the_print_page_previews_the_handout(world, tailored):
    page = (
        world.client_for(world.ada)
        .get(reverse("routine_print", args=[world.studio.code, tailored.code]))
        .text
    )
    assert "Before you begin" in page and "Rosa" in page
    assert "Teacher sheet" not in page  # not for assistants
    assert "Surgeon" not in page


class _Listener:
    """A TCP server on a free local port that records whether anything connected."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.server.close()


def test_markup_in_titles_and_cues_prints_as_text_and_fetches_nothing(world):
    listener = _Listener()
    try:
        evil = f'<img src="http://127.0.0.1:{listener.port}/"> file:///etc/passwd'
        routine = RoutineFactory(studio=world.studio, title=evil, intention=evil)
        RoutineStepFactory(
            routine=routine,
            position=1,
            pose=library_pose("butterfly"),
            cue=f'<link rel="stylesheet" href="http://127.0.0.1:{listener.port}/x.css">',
        )
        pdf = _download(world, world.bob, "routine_handout", routine).content
        sheet = _download(world, world.bob, "routine_teacher_sheet", routine).content
    finally:
        listener.close()
    assert listener.connections == 0
    assert f'<img src="http://127.0.0.1:{listener.port}/">' in _text(pdf)
    assert "file:///etc/passwd" in _text(pdf)
    assert "root:x:0" not in _text(pdf) + _text(sheet)


def test_the_fetcher_serves_our_static_files_and_this_studios_uploads_only(world, settings):
    fetcher = StudioURLFetcher(world.studio)
    css = fetcher.fetch(ASSET_ORIGIN + "static/routines/print.css")
    assert b"@font-face" in css.read()
    own = default_storage.save(f"studios/{world.studio.code}/logo/a.png", ContentFile(b"png"))
    other = default_storage.save(f"studios/{world.other_studio.code}/logo/b.png", ContentFile(b"x"))
    assert fetcher.fetch(ASSET_ORIGIN + "media/" + own).read() == b"png"
    for url in (
        ASSET_ORIGIN + "media/" + other,
        ASSET_ORIGIN + f"media/studios/{world.studio.code}/../{world.other_studio.code}/x.png",
        ASSET_ORIGIN + "static/../../settings.py",
        "file:///etc/passwd",
        "http://127.0.0.1:9/",
        "https://example.org/font.woff",
        "data:text/plain,hello",
    ):
        with pytest.raises(RefusedResource):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 7


def test_batch_printing_writes_one_pdf_per_routine_and_audits_it(world, tailored, tmp_path):
    other = RoutineFactory(studio=world.studio, title="Second")
    RoutineStepFactory(routine=other, position=1, pose=library_pose("butterfly"))
    call_command("handouts", str(tailored.code), str(other.code), "--out", str(tmp_path))
    files = sorted(path.name for path in tmp_path.iterdir())
    assert len(files) == 2 and all(name.endswith(".pdf") for name in files)
    assert AuditEvent.objects.filter(action="print", record_type="client handout").count() == 2
    call_command(
        "handouts",
        str(tailored.code),
        "--out",
        str(tmp_path / "t"),
        "--teacher-sheet",
        "--large-print",
    )
    [sheet] = (tmp_path / "t").iterdir()
    assert "CONFIDENTIAL" in _text(sheet.read_bytes())


def test_batch_printing_refuses_unknown_codes_before_writing(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No routine with code"):
        call_command(
            "handouts", "00000000-0000-0000-0000-000000000000", "--out", str(tmp_path / "x")
        )
    assert not (tmp_path / "x").exists()
