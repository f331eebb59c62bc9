"""Invented demo clients for `manage.py seed_demo`. Every person here is fictional."""

from datetime import timedelta

from django.utils import timezone

from clients import services
from clients.models import Precaution, Trigger
from clients.safety_rules import USUAL_RESTRICTIONS
from clients.vocabulary import (
    BodySide,
    Clearance,
    Condition,
    NotePrivacy,
    SetBy,
    TouchConsent,
    TriggerCategory,
)
from practice.models import Membership, Studio

# One paragraph a line: printed forms keep the owner's line breaks.
CONSENT_TEXT = "\n\n".join(
    [
        "Taking part is your choice, every time. Every pose and practice is an invitation. "
        "You can skip anything, change it, rest, or stop at any moment. You never need to say "
        "why.",
        "Please tell your teacher about injuries, surgery, pregnancy or changes in your health. "
        "If you have any worries, check with your doctor or physio before you begin. Yoga here "
        "is not medical care or therapy, and it does not replace them. We cannot promise any "
        "result.",
        "Your teacher will not touch you unless you have said that is welcome. You can change "
        "your answer at any time. What you share is kept private. Only the teachers who need it "
        "can see it. You can ask for a copy of your record, or ask us to erase it.",
    ]
)


def _today_minus(days: int):
    return timezone.localdate() - timedelta(days=days)


def seed_clients(studio: Studio, owner: Membership, instructor: Membership) -> None:
    if studio.clients.exists():
        return  # already seeded: never duplicate or overwrite what a demo user changed
    document = services.consent_publish(studio=studio, text=CONSENT_TEXT, by=owner.user)
    teacher = instructor.user

    rosa = services.client_create(
        studio=studio,
        by=teacher,
        care_team=[instructor],
        preferred_name="Rosa",
        full_name="Rosa Delgado",
        pronouns="she/her",
        email="rosa@example.net",
        phone="+44 7700 900123",
        emergency_contact="Luis Delgado (brother), +44 7700 900456",
        goals="Feel steady walking up stairs again, and sleep better.",
        prefers_eyes_open=True,
        prefers_near_door=True,
        room_wishes=["near_door", "eyes_open", "nobody_behind"],
        lighting="soft",
    )
    Precaution.objects.create(
        client=rosa,
        condition=Condition.HIP_REPLACEMENT_POSTERIOR,
        side=BodySide.RIGHT,
        restricted_movements=USUAL_RESTRICTIONS[Condition.HIP_REPLACEMENT_POSTERIOR],
        start_date=_today_minus(40),
        end_date=_today_minus(40) + timedelta(weeks=12),
        set_by=SetBy.SURGEON,
        note="Surgeon asks: no bending past a right angle, no crossing "
        "the legs, until the 12-week review.",
    )
    Precaution.objects.create(
        client=rosa,
        condition=Condition.LOW_BACK_PAIN,
        side=BodySide.NOT_APPLICABLE,
        restricted_movements=USUAL_RESTRICTIONS[Condition.LOW_BACK_PAIN],
        start_date=_today_minus(400),
        end_date=_today_minus(200),
        set_by=SetBy.SELF_REPORTED,
        note="An old flare-up; settled now.",
    )
    Trigger.objects.create(
        client=rosa,
        category=TriggerCategory.SOMEONE_BEHIND,
        note="Startles if someone walks behind her mat.",
        what_helps="Mat facing the door; say out loud when you move around the room.",
    )
    services.touch_consent_set(client=rosa, value=TouchConsent.NO, by=teacher)
    services.consent_sign(
        client=rosa,
        document=document,
        signed_name="Rosa Delgado",
        signed_on=_today_minus(30),
        witness=instructor,
        by=teacher,
    )
    note = services.note_add(
        client=rosa,
        author=teacher,
        privacy=NotePrivacy.CARE_TEAM,
        body="First session: chair-based practice went well. Liked the longer exhales.",
    )
    services.note_sign(note=note, by=teacher)
    services.addendum_add(
        note=note,
        author=teacher,
        body="She mentioned later that the right hip felt warm, "
        "not sore. Keep the figure four on the chair.",
    )

    tom = services.client_create(
        studio=studio,
        by=teacher,
        care_team=[instructor],
        preferred_name="Tom",
        full_name="Thomas Baker",
        pronouns="he/him",
        email="tom.baker@example.net",
        goals="Kneel in the garden without knee pain.",
    )
    Precaution.objects.create(
        client=tom,
        condition=Condition.KNEE_INJURY,
        side=BodySide.LEFT,
        restricted_movements=USUAL_RESTRICTIONS[Condition.KNEE_INJURY],
        start_date=_today_minus(90),
        set_by=SetBy.PHYSIOTHERAPIST,
        note="Meniscus tear, managed without surgery. Physio: no deep kneeling yet.",
    )
    Trigger.objects.create(
        client=tom,
        category=TriggerCategory.WORDS,
        note="Military-style counting and commands bring back bad memories.",
        what_helps="Plain invitations; let him keep his own pace.",
    )
    tom.medical_clearance = Clearance.REQUESTED
    tom.save(update_fields=["medical_clearance"])

    mei = services.client_create(
        studio=studio,
        by=owner.user,
        care_team=[owner, instructor],
        preferred_name="Mei",
        full_name="Mei Chen",
        pronouns="she/they",
        goals="Ease in the lower back after long days at a desk.",
    )
    Precaution.objects.create(
        client=mei,
        condition=Condition.LOW_BACK_PAIN,
        side=BodySide.NOT_APPLICABLE,
        restricted_movements=USUAL_RESTRICTIONS[Condition.LOW_BACK_PAIN],
        start_date=_today_minus(20),
        set_by=SetBy.SELF_REPORTED,
        note="Aches after sitting; no diagnosis.",
    )
    Trigger.objects.create(
        client=mei,
        category=TriggerCategory.LYING_ON_BACK,
        note="Lying on her back with legs apart feels exposed.",
        what_helps="Offer knees together or a seated version; blanket over the legs.",
    )
    services.touch_consent_set(client=mei, value=TouchConsent.ASK, by=owner.user)
    services.note_add(
        client=mei,
        author=owner.user,
        privacy=NotePrivacy.STUDIO,
        body="Prefers evening sessions. Brings her own bolster.",
    )
