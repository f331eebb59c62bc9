import factory
from allauth.account.models import EmailAddress
from factory.django import DjangoModelFactory

from practice.models import Invitation, Membership, Studio, User

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
