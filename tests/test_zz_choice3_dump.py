import os
import pytest
from clients.demo import seed_clients
from routines import handouts
from routines.handouts import PrintOptions
from routines.models import HandoutSettings
from tests.factories import RoutineFactory, RoutineStepFactory, library_pose
from tests.test_handout_pages import EIGHT_STEPS
from tests.pdf_layout import layout

@pytest.mark.django_db
def test_dump(world):
    seed_clients(world.studio, world.alice, world.bob)
    routine = RoutineFactory(studio=world.studio, title="Eight steps", client=world.studio.clients.get(preferred_name="Rosa"))
    for number, (slug, version) in enumerate(EIGHT_STEPS, start=1):
        pose = library_pose(slug)
        RoutineStepFactory(routine=routine, position=number, pose=pose,
            modification=pose.modifications.get(slug=version) if version else None, cue="")
    paper = os.environ.get("PAPER", "A4"); large = os.environ.get("LARGE") == "1"
    HandoutSettings.objects.filter(studio=routine.studio).update(paper_size=paper)
    for off in (False, True):
        routine.offer_other_ways = not off
        routine.save()
        pdf = handouts.render_pdf(handouts.handout_html(routine, PrintOptions(large_print=large), None), routine.studio)
        open(f"/tmp/choice3_out{int(off)}.pdf", "wb").write(pdf)
        print("off" if off else "on", [p.fill for p in layout(pdf, large_print=large).pages])
