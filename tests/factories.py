import json
import secrets
from datetime import date, timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from clients.models import (
    Addendum,
    CheckIn,
    Client,
    ConsentDocument,
    ConsentSignature,
    HomePractice,
    IntakeInvitation,
    Note,
    Place,
    Precaution,
    Session,
    Trigger,
)
from clients.vocabulary import BodySide, Condition, NotePrivacy, SetBy, TriggerCategory
from practice.models import BackgroundJob, Invitation, Membership, Studio, User
from routines.library.vocabulary import Category, Position
from routines.models import Modification, Pose, Routine, RoutineStep

TEST_PASSWORD = "a-calm-and-long-passphrase"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    name = factory.Faker("name")
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: bool | None, **kwargs) -> None:
        """Most people in tests have confirmed their address; pass verified_email=False if not."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class StudioFactory(DjangoModelFactory):
    class Meta:
        model = Studio

    name = factory.Faker("company")
    contact_email = factory.Faker("company_email")
    time_zone = "Europe/London"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    studio = factory.SubFactory(StudioFactory)
    role = Membership.Role.INSTRUCTOR


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation
        exclude = ["token"]

    studio = factory.SubFactory(StudioFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Membership.Role.INSTRUCTOR
    invited_by = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Issues a real token; the raw value is kept on the instance as `.token` for tests."""
        invitation = model_class(*args, **kwargs)
        invitation.token = invitation.issue_token()
        invitation.save()
        return invitation


class PoseFactory(DjangoModelFactory):
    """A studio's own pose; library poses come from the data file (loaded after migrate)."""

    class Meta:
        model = Pose
        skip_postgeneration_save = True

    studio = factory.SubFactory(StudioFactory)
    name = factory.Sequence(lambda n: f"Studio pose {n}")
    category = Category.HIP_OPENER
    position = Position.SUPINE
    body_areas = factory.LazyFunction(lambda: ["hips"])
    steps = factory.LazyFunction(
        lambda: ["If you like, lie on your back.", "You might notice your breath."]
    )
    hold_breaths = 5
    attributes = factory.LazyFunction(lambda: ["supine"])


class ModificationFactory(DjangoModelFactory):
    class Meta:
        model = Modification

    pose = factory.SubFactory(PoseFactory)
    studio = factory.SelfAttribute("pose.studio")
    name = factory.Sequence(lambda n: f"Variation {n}")
    instructions = "If you like, rest your feet on the wall."
    props = factory.LazyFunction(lambda: ["wall"])


class RoutineFactory(DjangoModelFactory):
    class Meta:
        model = Routine

    studio = factory.SubFactory(StudioFactory)
    title = factory.Sequence(lambda n: f"Gentle hips {n}")
    intention = "Some quiet time for your hips."


class RoutineStepFactory(DjangoModelFactory):
    class Meta:
        model = RoutineStep

    routine = factory.SubFactory(RoutineFactory)
    position = factory.Sequence(lambda n: n + 1)
    pose = factory.LazyFunction(lambda: library_pose("childs-pose"))
    hold_breaths = 5


def library_pose(slug: str) -> Pose:
    return Pose.objects.get(studio=None, slug=slug)


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    studio = factory.SubFactory(StudioFactory)
    preferred_name = factory.Faker("first_name")
    full_name = factory.LazyAttributeSequence(lambda o, n: f"{o.preferred_name} Example{n}")
    pronouns = "she/her"
    email = factory.Faker("email")
    goals = "Some ease in the hips when walking."


class PrecautionFactory(DjangoModelFactory):
    class Meta:
        model = Precaution

    client = factory.SubFactory(ClientFactory)
    condition = Condition.HIP_REPLACEMENT_POSTERIOR
    side = BodySide.LEFT
    restricted_movements = factory.LazyFunction(
        lambda: ["hip_flexion_past_90", "hip_adduction_past_midline", "hip_internal_rotation"]
    )
    set_by = SetBy.SURGEON
    note = "Surgeon's rule: no bending past a right angle until the twelve-week review."


class TriggerFactory(DjangoModelFactory):
    class Meta:
        model = Trigger

    client = factory.SubFactory(ClientFactory)
    category = TriggerCategory.SOMEONE_BEHIND
    note = "Startles when someone walks behind the mat."
    what_helps = "Mat facing the door; say out loud when moving around the room."


class NoteFactory(DjangoModelFactory):
    class Meta:
        model = Note

    client = factory.SubFactory(ClientFactory)
    author = factory.SubFactory(UserFactory)
    privacy = NotePrivacy.STUDIO
    body = "Felt calmer after the breath practice today."


class ConsentDocumentFactory(DjangoModelFactory):
    class Meta:
        model = ConsentDocument

    studio = factory.SubFactory(StudioFactory)
    version = factory.Sequence(lambda n: n + 1)
    text = "I understand that yoga is not a substitute for medical care."


class AddendumFactory(DjangoModelFactory):
    class Meta:
        model = Addendum

    note = factory.SubFactory(NoteFactory, signed_at=factory.LazyFunction(timezone.now))
    author = factory.SelfAttribute("note.author")
    body = "Correction: it was the left hip, not the right."


class ConsentSignatureFactory(DjangoModelFactory):
    class Meta:
        model = ConsentSignature

    client = factory.SubFactory(ClientFactory)
    document = factory.SubFactory(
        ConsentDocumentFactory, studio=factory.SelfAttribute("..client.studio")
    )
    signed_name = factory.SelfAttribute("client.full_name")
    witnessed_by = factory.SubFactory(UserFactory)


class IntakeInvitationFactory(DjangoModelFactory):
    """A link whose answers arrived: a name and a touch choice (services make real ones)."""

    class Meta:
        model = IntakeInvitation

    client = factory.SubFactory(ClientFactory)
    token_hash = factory.LazyFunction(lambda: secrets.token_hex(32))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    submitted_at = factory.LazyFunction(timezone.now)
    answers_data = json.dumps({"about": {"preferred_name": "Sunny"}, "touch": "no"})


class BackgroundJobFactory(DjangoModelFactory):
    """A queued batch print; tests that run jobs start them through their views instead."""

    class Meta:
        model = BackgroundJob

    studio = factory.SubFactory(StudioFactory)
    requested_by = factory.SubFactory(UserFactory)
    kind = BackgroundJob.Kind.BATCH_PRINT
    permission = "handouts.print"
    task_path = "routines.tasks.batch_print"


# --- Sessions, check-ins and home practice ---------------------------------------------------


class SessionFactory(DjangoModelFactory):
    """A session an hour ago (so it can be recorded); pass clients=[...] for who it was with."""

    class Meta:
        model = Session
        skip_postgeneration_save = True

    studio = factory.SubFactory(StudioFactory)
    teacher = factory.SubFactory(
        MembershipFactory, studio=factory.SelfAttribute("..studio"), role="instructor"
    )
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    place = Place.STUDIO

    @factory.post_generation
    def clients(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.clients.set(extracted)


class CheckInFactory(DjangoModelFactory):
    class Meta:
        model = CheckIn

    session = factory.SubFactory(SessionFactory)
    client = factory.SubFactory(ClientFactory, studio=factory.SelfAttribute("..session.studio"))
    moment = CheckIn.Moment.BEFORE
    hips = 6
    settled = 4
    words = "A warm ache on the right side."


class HomePracticeFactory(DjangoModelFactory):
    class Meta:
        model = HomePractice

    client = factory.SubFactory(ClientFactory)
    week_starting = factory.Sequence(lambda n: date(2025, 1, 6) + timedelta(weeks=n))
    days = 3
