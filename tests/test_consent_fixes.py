"""Consent: a version is signed once (service and database), and no form prints without a text."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from clients import services
from clients.models import AuditEvent, ConsentSignature
from tests.factories import ClientFactory, ConsentDocumentFactory, ConsentSignatureFactory

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def maya(world):
    return ClientFactory(studio=world.studio, preferred_name="Maya", full_name="Maya Lindqvist")


@pytest.fixture
def version_1(world):
    return ConsentDocumentFactory(studio=world.studio, version=1, text="Version one, kindly.")


def _sign(world, client, document):
    return services.consent_sign(
        client=client,
        document=document,
        signed_name="Maya Lindqvist",
        signed_on=datetime.date(2025, 3, 4),
        witness=world.bob,
        by=world.bob.user,
    )


def _post_sign(world, client, document, **kwargs):
    data = {
        "signed_name": "Maya Lindqvist",
        "signed_on": timezone.localdate().isoformat(),
        "witness": str(world.bob.code),
        "version": document.version,
    }
    url = reverse("consent_sign", args=[client.studio.code, client.code])
    return world.client_for(world.bob).post(url, data, **kwargs)


# --- Signed once -----------------------------------------------------------------------------


def test_the_service_refuses_a_second_signature_on_the_same_version(world, maya, version_1):
    _sign(world, maya, version_1)
    with pytest.raises(ValidationError) as refused:
        _sign(world, maya, version_1)
    assert refused.value.code == "already_signed"
    assert refused.value.messages == ["Version 1 is already signed (4 March 2025)."]
    assert ConsentSignature.objects.count() == 1
    assert AuditEvent.objects.filter(action="sign").count() == 1


def test_the_database_refuses_a_second_signature_on_the_same_version(maya, version_1):
    ConsentSignatureFactory(client=maya, document=version_1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentSignatureFactory(client=maya, document=version_1)


def test_a_signature_racing_past_the_check_is_refused_kindly(world, maya, version_1):
    """Two requests at once both find no signature; the database refuses the second."""
    _sign(world, maya, version_1)
    with (
        mock.patch.object(services, "_signature_on", return_value=None),
        pytest.raises(ValidationError) as refused,
    ):
        _sign(world, maya, version_1)
    assert refused.value.code == "already_signed"
    assert ConsentSignature.objects.count() == 1


def test_a_new_version_can_be_signed_after_an_earlier_one(world, maya, version_1):
    _sign(world, maya, version_1)
    version_2 = ConsentDocumentFactory(studio=world.studio, version=2, text="Two")
    _sign(world, maya, version_2)
    assert maya.signatures.count() == 2


def test_a_double_post_over_htmx_answers_with_a_clear_message(world, maya, version_1):
    first = _post_sign(world, maya, version_1, headers=HTMX)
    second = _post_sign(world, maya, version_1, headers=HTMX)
    assert first.status_code == 200
    assert second.status_code == 200
    assert "Version 1 is already signed" in second.text
    assert "nothing new was recorded" in second.text
    assert ConsentSignature.objects.count() == 1


def test_a_double_post_without_javascript_lands_on_the_client_page_with_the_message(
    world, maya, version_1
):
    _post_sign(world, maya, version_1)
    response = _post_sign(world, maya, version_1, follow=True)
    assert response.redirect_chain[-1][0].endswith(maya.get_absolute_url() + "#consent")
    assert "Version 1 is already signed" in response.text
    assert ConsentSignature.objects.count() == 1


# --- No consent form without a consent text --------------------------------------------------


@pytest.mark.parametrize("who", ["alice", "bob", "ada"])
@pytest.mark.parametrize("blank", [True, False], ids=["blank", "for-client"])
def test_a_consent_form_without_a_consent_text_is_refused_with_what_to_do(world, maya, who, blank):
    if blank:
        url = reverse("consent_form", args=[world.studio.code])
    else:
        url = reverse("client_consent_form", args=[world.studio.code, maya.code])
    response = world.client_for(getattr(world, who)).get(url)
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert "The studio has not written its consent text yet" in response.text
    assert reverse("consent_text", args=[world.studio.code]) in response.text
    assert not AuditEvent.objects.filter(action="print").exists()


def test_consent_form_links_open_in_the_browser_so_a_refusal_is_read(world, maya, version_1):
    """A `download` link would save the refusal page as a .pdf; the PDF itself is sent as an
    attachment anyway."""
    page = world.client_for(world.bob).get(maya.get_absolute_url()).text
    link = reverse("client_consent_form", args=[world.studio.code, maya.code])
    assert f'href="{link}"' in page
    assert f'href="{link}" download' not in page
    settings_page = (
        world.client_for(world.alice)
        .get(reverse("handout_settings", args=[world.studio.code]))
        .text
    )
    assert f'href="{reverse("consent_form", args=[world.studio.code])}"' in settings_page
    assert "download>" not in settings_page
