import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from clients import services
from clients.forms.consent import DEFAULT_CONSENT_TEXT
from clients.models import AuditEvent, Client, ConsentDocument, ConsentSignature
from clients.urls import consent_patterns
from clients.views import consent as consent_views
from tests.factories import ClientFactory, ConsentDocumentFactory, ConsentSignatureFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
Action = AuditEvent.Action


@pytest.fixture
def client_a(world):
    return ClientFactory(studio=world.studio, preferred_name="Maya", full_name="Maya Lindqvist")


@pytest.fixture
def version_1(world):
    return ConsentDocumentFactory(studio=world.studio, version=1, text="Version one, kindly.")


def _text_url(studio):
    return reverse("consent_text", args=[studio.code])


def _sign_url(client):
    return reverse("consent_sign", args=[client.studio.code, client.code])


def _sign_data(world, document, **overrides):
    data = {
        "signed_name": "Maya Lindqvist",
        "signed_on": timezone.localdate().isoformat(),
        "witness": str(world.bob.code),
        "version": document.version,
    }
    return data | overrides


# --- The studio's consent text ---------------------------------------------------------------


def test_an_owner_without_a_consent_text_starts_from_a_kind_default(world):
    response = world.client_for(world.alice).get(_text_url(world.studio))
    assert response.status_code == 200
    assert response.context["form"].initial["text"] == DEFAULT_CONSENT_TEXT
    assert "Informed consent for trauma-informed yoga" in response.text
    assert "Publish version 1" in response.text
    for promise in ("optional", "not medical care", "change your mind", "erase"):
        assert promise in DEFAULT_CONSENT_TEXT


@pytest.mark.parametrize("who", ["bob", "ada"])
def test_only_owners_manage_the_consent_text(world, who):
    client = world.client_for(getattr(world, who))
    assert client.get(_text_url(world.studio)).status_code == 403
    assert client.post(_text_url(world.studio), {"text": "Mine now"}).status_code == 403
    assert not ConsentDocument.objects.exists()


def test_another_studios_owner_gets_404(world):
    client = world.client_for(world.charlie)
    assert client.get(_text_url(world.studio)).status_code == 404
    assert client.post(_text_url(world.studio), {"text": "Hello"}).status_code == 404


def test_publishing_makes_a_new_version_and_keeps_the_old_one(world, version_1):
    response = world.client_for(world.alice).post(
        _text_url(world.studio), {"text": "Version two, kinder still."}
    )
    assert response.status_code == 302
    assert response["Location"] == _text_url(world.studio)
    versions = list(world.studio.consent_documents.values_list("version", "text"))
    assert versions == [(2, "Version two, kinder still."), (1, "Version one, kindly.")]
    event = AuditEvent.objects.get(action=Action.CREATE, record_type="consent text")
    assert event.actor == world.alice.user
    assert event.summary == "consent version 2 published"


def test_the_page_shows_the_current_version_prefilled_and_earlier_ones_read_only(world, version_1):
    ConsentDocumentFactory(studio=world.studio, version=2, text="Version two, kinder still.")
    response = world.client_for(world.alice).get(_text_url(world.studio))
    assert response.context["form"].initial["text"] == "Version two, kinder still."
    assert "Version 2, published" in response.text
    assert "Publish version 3" in response.text
    assert [d.version for d in response.context["earlier_versions"]] == [1]
    assert "Version one, kindly." in response.text
    # Exactly one form on the page: earlier versions are shown, never editable.
    assert response.text.count("<textarea") == 1


def test_publishing_the_same_text_again_is_refused_kindly(world, version_1):
    response = world.client_for(world.alice).post(
        _text_url(world.studio), {"text": "  Version one, kindly.  "}
    )
    assert response.status_code == 400
    assert "This is the same as the current version." in response.text
    assert "Version one, kindly." in response.text
    assert world.studio.consent_documents.count() == 1


def test_an_empty_text_is_refused(world):
    response = world.client_for(world.alice).post(_text_url(world.studio), {"text": "   "})
    assert response.status_code == 400
    assert not ConsentDocument.objects.exists()


def test_the_page_lists_active_clients_who_need_to_sign_the_current_version(world, version_1):
    version_2 = ConsentDocumentFactory(studio=world.studio, version=2, text="Two")
    never = ClientFactory(studio=world.studio, preferred_name="Noor")
    older = ClientFactory(studio=world.studio, preferred_name="Olu")
    ConsentSignatureFactory(client=older, document=version_1)
    current = ClientFactory(studio=world.studio, preferred_name="Cai")
    ConsentSignatureFactory(client=current, document=version_2)
    ClientFactory(studio=world.studio, preferred_name="Ari", status=Client.Status.ARCHIVED)
    ClientFactory(studio=world.other_studio, preferred_name="Elsewhere")

    response = world.client_for(world.alice).get(_text_url(world.studio))
    listed = [client.preferred_name for client in response.context["clients_to_sign"]]
    assert listed == ["Noor", "Olu"]
    assert "2 clients have not signed version 2" in response.text
    assert never.get_absolute_url() + "#consent" in response.text
    assert "signed version 1" in response.text
    assert "not signed yet" in response.text


def test_the_consent_text_page_costs_the_same_queries_for_many_clients(
    world, version_1, django_assert_num_queries
):
    client = world.client_for(world.alice)
    ClientFactory(studio=world.studio)
    client.get(_text_url(world.studio))
    for _ in range(5):
        ConsentSignatureFactory(client=ClientFactory(studio=world.studio), document=version_1)
        ClientFactory(studio=world.studio)
    ConsentDocumentFactory(studio=world.studio, version=2)
    # 1 session, 2 user, 3 versions with signature counts and authors, 4 how many clients are
    # still to sign, 5 one page of them, 6 the version each of those last signed (her
    # memberships are kept from her first page: practice/memberships.py)
    with django_assert_num_queries(6):
        response = client.get(_text_url(world.studio))
    assert len(response.context["clients_to_sign"]) == 11


# --- The consent section of the client page ----------------------------------------------------


def test_the_client_page_says_when_there_is_no_consent_text_yet(world, client_a):
    owner_page = world.client_for(world.alice).get(client_a.get_absolute_url()).text
    assert "The studio has no consent text yet." in owner_page
    assert _text_url(world.studio) in owner_page
    teacher_page = world.client_for(world.bob).get(client_a.get_absolute_url()).text
    assert "The studio has no consent text yet." in teacher_page
    assert _text_url(world.studio) not in teacher_page


def test_a_client_who_never_signed_is_flagged_and_offered_the_form(world, client_a, version_1):
    teacher = world.client_for(world.bob)
    response = teacher.get(client_a.get_absolute_url())
    assert "Needs to sign version 1" in response.text
    assert "Version one, kindly." in response.text  # the teacher can read it with the client
    # The form comes when "Record a signature" is opened (htmx), or on its own page.
    assert f'hx-get="{_sign_url(client_a)}" hx-trigger="toggle once"' in response.text
    assert f'<a href="{_sign_url(client_a)}">Open the signing form</a>' in response.text
    assert response.context["consent_form"] is None
    opened = teacher.get(_sign_url(client_a), headers=HTMX)
    assert opened.text.lstrip().startswith("<form")
    assert AuditEvent.objects.filter(
        client=client_a, summary="consent signing form opened"
    ).exists()
    page = teacher.get(_sign_url(client_a))
    assert "<html" in page.text and "Record the signature" in page.text
    form = opened.context["form"]
    assert page.context["consent_form"].initial == form.initial
    assert form.initial["signed_name"] == "Maya Lindqvist"
    # The witness is a deliberate choice, never the signed-in teacher by default.
    assert "witness" not in form.initial
    assert '<option value="" selected>Choose who was there</option>' in opened.text
    assert form.fields["signed_on"].initial == timezone.localdate()


def test_a_client_who_signed_an_older_version_is_asked_to_sign_the_new_one(
    world, client_a, version_1
):
    ConsentSignatureFactory(
        client=client_a, document=version_1, signed_on=datetime.date(2024, 3, 5)
    )
    ConsentDocumentFactory(studio=world.studio, version=2, text="Two")
    text = world.client_for(world.bob).get(client_a.get_absolute_url()).text
    assert "Needs to sign version 2" in text
    assert "Signed version 1 on 5 March 2024; version 2 is waiting." in text
    assert "Earlier signatures" in text


def test_a_signed_client_shows_the_locked_signature_and_no_form(world, client_a, version_1):
    ConsentSignatureFactory(
        client=client_a,
        document=version_1,
        signed_name="Maya L.",
        witnessed_by=world.bob.user,
        signed_on=datetime.date(2025, 1, 9),
    )
    response = world.client_for(world.alice).get(client_a.get_absolute_url())
    assert "Signed version 1" in response.text
    assert "9 January 2025" in response.text
    assert "Maya L." in response.text
    assert "Bob Teacher" in response.text
    assert "Record the signature" not in response.text
    assert "Needs to sign" not in response.text


def test_assistants_see_no_consent_details(world, client_a, version_1):
    ConsentSignatureFactory(client=client_a, document=version_1, signed_name="Maya Typed")
    text = world.client_for(world.ada).get(client_a.get_absolute_url()).text
    assert "Informed consent" not in text
    assert "Maya Typed" not in text
    assert "Version one, kindly." not in text


def test_the_section_costs_two_queries(world, client_a, version_1, django_assert_num_queries):
    # One signature per version: three versions, each signed.
    ConsentSignatureFactory(client=client_a, document=version_1)
    for version in (2, 3):
        document = ConsentDocumentFactory(studio=world.studio, version=version)
        ConsentSignatureFactory(client=client_a, document=document)
    request = RequestFactory().get("/")
    request.studio, request.membership, request.user = world.studio, world.bob, world.bob.user
    # 1 the current version, 2 the client's signatures with their versions and witnesses
    with django_assert_num_queries(2):
        context = consent_views.section_context(request, client_a)
    assert len(context["consent_signatures"]) == 3
    assert context["consent_needs_signature"] is False


# --- Recording a signature -------------------------------------------------------------------


def test_an_instructor_records_a_signature_on_the_current_version(world, client_a, version_1):
    response = world.client_for(world.bob).post(_sign_url(client_a), _sign_data(world, version_1))
    assert response.status_code == 302
    assert response["Location"] == client_a.get_absolute_url() + "#consent"
    signature = ConsentSignature.objects.get()
    assert (signature.client, signature.document) == (client_a, version_1)
    assert signature.signed_name == "Maya Lindqvist"
    assert signature.witnessed_by == world.bob.user
    event = AuditEvent.objects.get(action=Action.SIGN)
    assert event.client == client_a
    assert event.record_code == signature.code
    assert "Maya" not in event.summary


def test_signing_over_htmx_returns_the_refreshed_section(world, client_a, version_1):
    response = world.client_for(world.alice).post(
        _sign_url(client_a),
        _sign_data(world, version_1, witness=str(world.alice.code)),
        headers=HTMX,
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="consent"')
    assert "The signature on version 1 is recorded." in response.text
    assert "Signed version 1" in response.text
    assert "Alice Owner" in response.text


def test_a_date_in_the_future_is_refused_and_the_typed_name_kept(world, client_a, version_1):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = world.client_for(world.bob).post(
        _sign_url(client_a),
        _sign_data(world, version_1, signed_name="Maya Typed", signed_on=tomorrow.isoformat()),
        headers=HTMX,
    )
    assert response.status_code == 400
    assert "The date cannot be in the future." in response.text
    assert 'value="Maya Typed"' in response.text
    assert not ConsentSignature.objects.exists()


def test_without_javascript_errors_come_back_on_a_page_of_their_own(world, client_a, version_1):
    response = world.client_for(world.bob).post(
        _sign_url(client_a), _sign_data(world, version_1, signed_name="")
    )
    assert response.status_code == 400
    assert "<html" in response.text
    assert "Record the signature" in response.text


@pytest.mark.parametrize("witness", ["ada", "charlie"])
def test_only_this_studios_teachers_can_witness(world, client_a, version_1, witness):
    code = getattr(world, witness).code
    response = world.client_for(world.bob).post(
        _sign_url(client_a), _sign_data(world, version_1, witness=str(code)), headers=HTMX
    )
    assert response.status_code == 400
    assert not ConsentSignature.objects.exists()


def test_a_version_published_meanwhile_is_not_signed_unseen(world, client_a, version_1):
    ConsentDocumentFactory(studio=world.studio, version=2, text="Two")
    response = world.client_for(world.bob).post(
        _sign_url(client_a), _sign_data(world, version_1, signed_name="Maya Typed"), headers=HTMX
    )
    assert response.status_code == 400
    assert "it is now version 2" in response.text
    assert 'name="version" value="2"' in response.text
    assert 'value="Maya Typed"' in response.text
    assert not ConsentSignature.objects.exists()


def test_a_version_is_signed_once(world, client_a, version_1):
    ConsentSignatureFactory(client=client_a, document=version_1)
    response = world.client_for(world.bob).post(_sign_url(client_a), _sign_data(world, version_1))
    # Not an error to correct: the signature the form asks for exists (tests/test_consent_fixes).
    assert response.status_code == 302
    assert ConsentSignature.objects.count() == 1


def test_nothing_to_sign_without_a_consent_text(world, client_a):
    document = ConsentDocument(version=1)
    response = world.client_for(world.bob).post(_sign_url(client_a), _sign_data(world, document))
    assert response.status_code == 400
    assert not ConsentSignature.objects.exists()


def test_assistants_cannot_record_signatures(world, client_a, version_1):
    response = world.client_for(world.ada).post(_sign_url(client_a), _sign_data(world, version_1))
    assert response.status_code == 403
    assert not ConsentSignature.objects.exists()


def test_another_studio_cannot_sign_for_our_client(world, client_a, version_1):
    charlie = world.client_for(world.charlie)
    assert charlie.post(_sign_url(client_a), _sign_data(world, version_1)).status_code == 404
    # Studio A's client addressed inside charlie's own studio B
    url = reverse("consent_sign", args=[world.other_studio.code, client_a.code])
    assert charlie.post(url, _sign_data(world, version_1)).status_code == 404
    assert not ConsentSignature.objects.exists()


def test_erased_clients_cannot_be_signed_for(world, client_a, version_1):
    services.client_erase(client=client_a, by=world.alice.user)
    response = world.client_for(world.bob).post(_sign_url(client_a), _sign_data(world, version_1))
    assert response.status_code == 404


def test_signatures_are_only_ever_added_never_edited_or_deleted(world, client_a):
    assert [pattern.name for pattern in consent_patterns] == ["consent_sign"]
    teacher = world.client_for(world.bob)
    assert teacher.put(_sign_url(client_a)).status_code == 405
    assert teacher.delete(_sign_url(client_a)).status_code == 405


def test_a_signature_without_a_chosen_witness_asks_for_one_and_keeps_the_name(
    world, client_a, version_1
):
    data = _sign_data(world, version_1, signed_name="Maya L.")
    data.pop("witness")
    response = world.client_for(world.bob).post(_sign_url(client_a), data, headers=HTMX)
    assert "Choose who witnessed the signature." in response.text
    assert 'value="Maya L."' in response.text
    assert not client_a.signatures.exists()
