"""Migration routines 0009 encrypts the routine notes, cues and notes to self already stored
in plain text (teachers write health details there)."""

import pytest
from django.db import connection

from practice.fields import PREFIX, decrypt
from tests.migrating import migrate_to, migrate_to_latest


@pytest.mark.django_db(transaction=True)
def test_existing_routine_notes_and_cues_are_encrypted_by_the_migration():
    # From the full schema (an earlier test may have left some apps behind) back to before.
    migrate_to_latest()
    apps = migrate_to([("routines", "0008_modification_steps")])
    try:
        Studio = apps.get_model("practice", "Studio")
        Routine = apps.get_model("routines", "Routine")
        Step = apps.get_model("routines", "RoutineStep")
        Pose = apps.get_model("routines", "Pose")
        studio = Studio.objects.create(name="Willow Room")
        routine = Routine.objects.create(studio=studio, title="Hips", notes="After the surgery")
        pose = Pose.objects.create(name="Bridge", category="pose", position="supine")
        Step.objects.create(
            routine=routine, position=1, pose=pose, cue="Soft left knee", teacher_note=""
        )
    finally:
        migrate_to_latest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM routines_routine")
        [(notes,)] = cursor.fetchall()
        cursor.execute("SELECT cue, teacher_note FROM routines_routinestep")
        [(cue, teacher_note)] = cursor.fetchall()
    assert notes.startswith(PREFIX) and decrypt(notes) == "After the surgery"
    assert cue.startswith(PREFIX) and decrypt(cue) == "Soft left knee"
    assert teacher_note == ""
