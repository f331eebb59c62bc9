import re

import pytest
from django.urls import reverse

from clients.models import AuditEvent, Client
from routines.models import Routine
from tests.factories import (
    CheckInFactory,
    ClientFactory,
    ConsentDocumentFactory,
    ConsentSignatureFactory,
    IntakeInvitationFactory,
    MembershipFactory,
    NoteFactory,
    PrecautionFactory,
    RoutineFactory,
    RoutineStepFactory,
    SessionFactory,
    TriggerFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_record(world):
    client = ClientFactory(
        studio=world.studio, preferred_name="Ana", full_name="Ana Lima", goals="Walk the dog"
    )
    PrecautionFactory(client=client, note="Surgeon: no deep bending until March")
    TriggerFactory(client=client, note="Flinches at sudden loud sounds", what_helps="Warn first")
    client.care_team.add(world.bob)
    return client


def _list(world, membership, **params):
    return world.client_for(membership).get(
        reverse("client_list", args=[world.studio.code]), params
    )


def _listed(world, membership, studio=None, **params) -> list[str]:
    """The names in the list's rows (a short name may also turn up inside a random token)."""
    studio = studio or world.studio
    page = world.client_for(membership).get(reverse("client_list", args=[studio.code]), params)
    return re.findall(r'<tr><td><a href="[^"]+">([^<]+)</a>', page.text)


def test_the_list_shows_only_this_studios_clients(world, client_record):
    ClientFactory(studio=world.other_studio, preferred_name="Zed")
    assert _listed(world, world.ada) == ["Ana"]


def test_search_and_filters(world, client_record):
    ClientFactory(studio=world.studio, preferred_name="Bea", status=Client.Status.ARCHIVED)
    ClientFactory(studio=world.studio, preferred_name="Cal")
    assert _listed(world, world.bob, q="lima") == ["Ana"]
    assert _listed(world, world.bob, show="mine") == ["Ana"]
    assert _listed(world, world.bob, show="archived") == ["Bea"]


def test_the_client_page_costs_the_same_queries_for_a_fuller_record(
    world, client_record, django_assert_num_queries
):
    teacher = world.client_for(world.bob)
    url = client_record.get_absolute_url()

    def add_one_of_each(number: int) -> None:
        document = ConsentDocumentFactory(studio=world.studio, version=number)
        ConsentSignatureFactory(client=client_record, document=document)
        PrecautionFactory(client=client_record)
        TriggerFactory(client=client_record)
        NoteFactory(client=client_record, author=world.bob.user)
        RoutineFactory(studio=world.studio, client=client_record, title=f"Hips {number}")
        client_record.care_team.add(MembershipFactory(studio=world.studio, role="instructor"))
        session = SessionFactory(studio=world.studio, teacher=world.bob, clients=[client_record])
        CheckInFactory(session=session, client=client_record)
        IntakeInvitationFactory(client=client_record)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            assert teacher.get(url).status_code == 200
        return len(context)

    add_one_of_each(1)
    teacher.get(url)
    small = count()
    for number in (2, 3, 4):
        add_one_of_each(number)
    ConsentDocumentFactory(studio=world.studio, version=5)  # so the signing form is offered
    with django_assert_num_queries(small):
        teacher.get(url)
    # 1 session, 2 user, 3 the client; 4 practice days reported, 5-6 upcoming and recent
    # sessions; 7 precautions, 8 triggers, 9 touch-consent changes; 10 the consent text,
    # 11 signatures; 12 notes, 13 their addenda; 14 check-ins and 15 weekly home practice
    # (progress); 16 the audit entry; 17 the care team; 18 routines with their practice links;
    # 19 the intake link it tells about (answers waiting first). The signing form (the team list
    # to witness) comes only when opened; her memberships are kept from her first page.
    assert small == 19


def test_the_list_has_a_fixed_query_count(world, client_record, django_assert_num_queries):
    client = world.client_for(world.bob)
    url = reverse("client_list", args=[world.studio.code])
    client.get(url)
    ClientFactory.create_batch(10, studio=world.studio)
    # 1 session, 2 user, 3 the studio's tally of clients (ClientTally), 4 the page of them; her
    # memberships are kept from her first page (practice/memberships.py)
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200


def test_an_instructor_adds_a_client_with_a_care_team(world):
    response = world.client_for(world.bob).post(
        reverse("client_create", args=[world.studio.code]),
        {"preferred_name": "Dee", "email": "dee@example.com", "care_team": [world.bob.pk]},
    )
    client = Client.objects.get(preferred_name="Dee")
    assert response["Location"] == client.get_absolute_url()
    assert list(client.care_team.all()) == [world.bob]
    assert AuditEvent.objects.filter(client=client, action="create").exists()


def test_a_care_team_cannot_include_another_studios_member(world):
    response = world.client_for(world.bob).post(
        reverse("client_create", args=[world.studio.code]),
        {"preferred_name": "Dee", "care_team": [world.charlie.pk]},
    )
    assert response.status_code == 400
    assert 'value="Dee"' in response.text
    assert not Client.objects.filter(preferred_name="Dee").exists()


def test_assistants_cannot_add_clients(world):
    url = reverse("client_create", args=[world.studio.code])
    assert world.client_for(world.ada).post(url, {"preferred_name": "Dee"}).status_code == 403


def test_assistants_see_contact_details_but_nothing_sensitive(world, client_record):
    page = world.client_for(world.ada).get(client_record.get_absolute_url()).text
    assert "Ana Lima" in page
    for secret in ("Walk the dog", "Surgeon: no deep bending", "Flinches", "Warn first"):
        assert secret not in page


def test_every_view_of_a_client_is_audited_without_sensitive_text(world, client_record):
    world.client_for(world.ada).get(client_record.get_absolute_url(), REMOTE_ADDR="10.1.2.3")
    world.client_for(world.bob).get(client_record.get_absolute_url())
    views = AuditEvent.objects.filter(client=client_record, action="view").order_by("at")
    assert [event.actor for event in views] == [world.ada.user, world.bob.user]
    assert views[0].ip_address == "10.1.2.3"
    assert views[0].client_code == client_record.code
    for event in AuditEvent.objects.all():
        text = f"{event.summary} {event.record_type} {event.actor_label}"
        assert "Surgeon" not in text and "Flinches" not in text and "Walk the dog" not in text


def test_editing_records_which_fields_changed_not_their_values(world, client_record):
    url = reverse("client_edit", args=[world.studio.code, client_record.code])
    response = world.client_for(world.bob).post(
        url, {"preferred_name": "Ana", "full_name": "Ana Lima", "goals": "Sleep better"}
    )
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.goals == "Sleep better"
    change = AuditEvent.objects.get(client=client_record, action="change")
    assert "goals" in change.summary
    assert "Sleep better" not in change.summary


def test_archive_and_restore(world, client_record):
    client = world.client_for(world.bob)
    client.post(reverse("client_archive", args=[world.studio.code, client_record.code]))
    client_record.refresh_from_db()
    assert client_record.is_archived
    client.post(reverse("client_restore", args=[world.studio.code, client_record.code]))
    client_record.refresh_from_db()
    assert client_record.status == Client.Status.ACTIVE
    actions = set(AuditEvent.objects.filter(client=client_record).values_list("action", flat=True))
    assert {"archive", "restore"} <= actions


def test_a_routine_tailored_for_the_client_from_a_template(world, client_record):
    template = RoutineFactory(studio=world.studio, is_template=True, title="Gentle template")
    RoutineStepFactory(routine=template)
    url = reverse("client_routine_create", args=[world.studio.code, client_record.code])
    response = world.client_for(world.bob).post(
        url, {"title": "Ana's hips", "template": template.code}
    )
    routine = Routine.objects.get(title="Ana's hips")
    assert response["Location"] == routine.get_absolute_url()
    assert routine.client == client_record
    assert routine.steps.count() == 1
    page = world.client_for(world.ada).get(client_record.get_absolute_url()).text
    assert "Ana&#x27;s hips" in page


def test_the_routine_form_offers_only_this_studios_clients(world, client_record):
    routine = RoutineFactory(studio=world.studio)
    foreign = ClientFactory(studio=world.other_studio)
    url = reverse("routine_edit", args=[world.studio.code, routine.code])
    data = {"version": routine.version, "title": routine.title, "status": "draft"}
    response = world.client_for(world.bob).post(url, {**data, "client": foreign.code})
    assert response.status_code == 400
    world.client_for(world.bob).post(url, {**data, "client": client_record.code})
    routine.refresh_from_db()
    assert routine.client == client_record


def test_a_member_of_two_studios_sees_each_studios_clients_only_there(world, client_record):
    MembershipFactory(user=world.ada.user, studio=world.other_studio, role="instructor")
    ClientFactory(studio=world.other_studio, preferred_name="Zed")
    assert _listed(world, world.ada, studio=world.other_studio) == ["Zed"]


def test_the_add_form_starts_with_the_creator_ticked_on_the_care_team(world):
    page = world.client_for(world.bob).get(reverse("client_create", args=[world.studio.code]))
    assert f'value="{world.bob.pk}" id="id_care_team_' in page.text
    ticked = [box for box in page.text.split("<input") if "checked" in box and "care_team" in box]
    assert len(ticked) == 1 and f'value="{world.bob.pk}"' in ticked[0]


def test_a_creator_who_unticks_herself_is_not_put_on_the_care_team(world):
    world.client_for(world.bob).post(
        reverse("client_create", args=[world.studio.code]),
        {"preferred_name": "Dee", "care_team": [world.alice.pk]},
    )
    assert list(Client.objects.get(preferred_name="Dee").care_team.all()) == [world.alice]


def test_the_service_puts_the_creator_on_the_care_team_unless_told_otherwise(world):
    from clients import services

    joined = services.client_create(studio=world.studio, by=world.bob.user, preferred_name="Eve")
    chosen = services.client_create(
        studio=world.studio, by=world.bob.user, preferred_name="Fay", care_team=[]
    )
    assert list(joined.care_team.all()) == [world.bob]
    assert list(chosen.care_team.all()) == []


def test_an_assistant_who_adds_a_client_through_the_service_is_not_on_her_care_team(world):
    from clients import services

    client = services.client_create(studio=world.studio, by=world.ada.user, preferred_name="Gil")
    # An assistant may not read the record, so she cannot be on a care team.
    assert list(client.care_team.all()) == []
