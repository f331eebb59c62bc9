from datetime import timedelta
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import get_hasher
from django.contrib.sessions.models import Session as LoginSession
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from practice.models import Membership, Studio
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
SIGNUP = {
    "name": "Rosa Diaz",
    "email": "rosa@example.com",
    "studio_name": "Still Water Yoga",
    "password1": "quiet-river-morning-42",
    "password2": "quiet-river-morning-42",
}


def _enable_totp(user) -> None:
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


def test_the_login_page_is_at_accounts_login(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'name="login"' in response.text
    assert "pico" in response.text  # styled like the rest of the app


def test_sign_up_creates_the_first_studio_with_the_person_as_owner(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    studio = Studio.objects.get(name="Still Water Yoga")
    membership = studio.memberships.get()
    assert membership.role == Membership.Role.OWNER
    assert membership.user.name == "Rosa Diaz"


def test_sign_up_keeps_what_was_typed_when_something_is_wrong(client):
    response = client.post(reverse("account_signup"), {**SIGNUP, "password2": "different"})
    assert response.status_code == 200
    assert 'value="Still Water Yoga"' in response.text
    assert 'value="rosa@example.com"' in response.text
    assert not Studio.objects.exists()


def test_email_must_be_verified_before_signing_in(client):
    client.post(reverse("account_signup"), SIGNUP)
    [email] = mail.outbox
    assert "/accounts/confirm-email/" in email.body
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response["Location"] == reverse("account_email_verification_sent")
    confirm_path = "/accounts/confirm-email/" + email.body.split("/accounts/confirm-email/")[1]
    confirm_path = confirm_path.split()[0]
    assert client.post(confirm_path).status_code == 302
    response = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert response["Location"] == reverse("home")


def test_password_reset_sends_a_link(client):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    [email] = mail.outbox
    assert "/accounts/password/reset/key/" in email.body


def _login(client, email: str, password: str, ip: str):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip
    )


def test_wrong_passwords_from_one_address_do_not_lock_the_account_for_others(client):
    user = UserFactory()
    for _ in range(5):
        _login(client, user.email, "wrong", ip="198.51.100.7")
    teacher = Client()
    response = _login(teacher, user.email, TEST_PASSWORD, ip="203.0.113.20")
    assert response.status_code == 302
    assert teacher.session["_auth_user_id"] == str(user.pk)


def test_the_per_address_limit_still_refuses_even_the_right_password(client):
    user = UserFactory()
    for _ in range(10):
        _login(client, user.email, "wrong", ip="198.51.100.7")
    response = _login(client, user.email, TEST_PASSWORD, ip="198.51.100.7")
    assert "Too many failed login attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_the_per_account_limit_is_long_and_slow(settings):
    from allauth.core.internal.ratelimit import parse_rates

    rates = parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed"])
    per_account = [rate for rate in rates if rate.per == "key"]
    per_address = [rate for rate in rates if rate.per == "ip"]
    assert per_account and all(rate.duration >= 24 * 3600 for rate in per_account)
    # One address alone cannot use up the account's allowance within its window.
    longest_ip = max(per_address, key=lambda rate: rate.duration)
    assert all(longest_ip.amount < rate.amount for rate in per_account)


def test_the_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_admin_refuses_non_staff(world):
    assert world.client_for(world.alice).get("/admin/").status_code in (302, 403)
    assert world.client_for(world.alice).get("/admin/login/").status_code == 403


def test_a_login_session_ends_after_the_idle_timeout(world, settings):
    client = world.client_for(world.bob)
    dashboard = reverse("studio_dashboard", args=[world.studio.code])
    assert client.get(dashboard).status_code == 200
    login_session = LoginSession.objects.get()
    idle = timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    assert login_session.expire_date == pytest.approx(
        timezone.now() + idle, abs=timedelta(seconds=30)
    )
    LoginSession.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_studio_can_require_two_factor_for_every_member(world):
    world.studio.require_mfa = True
    world.studio.save()
    dashboard = reverse("studio_dashboard", args=[world.studio.code])
    response = world.client_for(world.bob).get(dashboard)
    assert response["Location"] == reverse("mfa_activate_totp")
    _enable_totp(world.bob.user)
    assert world.client_for(world.bob).get(dashboard).status_code == 200
    # Another studio's rule does not follow the person around.
    assert world.client_for(world.charlie).get(reverse("home")).status_code == 302


def test_owner_cannot_require_two_factor_before_using_it_themselves(world):
    url = reverse("studio_settings", args=[world.studio.code])
    data = {"name": "Willow Room", "time_zone": "Europe/London", "require_mfa": "on"}
    response = world.client_for(world.alice).post(url, data)
    assert response.status_code == 400
    assert "Set up two-factor sign-in for your own account first" in response.text
    _enable_totp(world.alice.user)
    assert world.client_for(world.alice).post(url, data).status_code == 302
    world.studio.refresh_from_db()
    assert world.studio.require_mfa


def _hashes_during_sign_up(client, data: dict) -> int:
    hasher = type(get_hasher())
    with mock.patch.object(hasher, "encode", autospec=True, side_effect=hasher.encode) as encode:
        response = client.post(reverse("account_signup"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    return encode.call_count


def test_sign_up_does_the_same_slow_work_for_a_known_and_a_new_address(client):
    existing = UserFactory(email="known@example.com")
    new_account = _hashes_during_sign_up(client, SIGNUP)
    client.logout()
    known = _hashes_during_sign_up(Client(), {**SIGNUP, "email": existing.email})
    assert new_account >= 1
    assert known == new_account
    # The known address got an email, not a second account.
    assert Studio.objects.filter(name=SIGNUP["studio_name"]).count() == 1


def test_htmx_requests_are_sent_to_two_factor_set_up_with_a_client_redirect(world):
    world.studio.require_mfa = True
    world.studio.save()
    team = reverse("team", args=[world.studio.code])
    response = world.client_for(world.bob).get(team, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")


def test_opening_the_emailed_link_confirms_without_another_click(client):
    client.post(reverse("account_signup"), SIGNUP)
    [email] = mail.outbox
    assert email.subject == "[Groundwork] Confirm your email address"
    assert "Someone, most likely you" in email.body
    confirm_path = "/accounts/confirm-email/" + email.body.split("/accounts/confirm-email/")[1]
    response = client.get(confirm_path.split()[0], follow=True)
    assert EmailAddress.objects.get(email=SIGNUP["email"]).verified
    shown = [str(message) for message in response.context["messages"]]
    assert f"Thank you: {SIGNUP['email']} is confirmed." in shown


def test_the_sign_up_and_verification_pages_speak_in_sentence_case(client):
    signup = client.get(reverse("account_signup")).text
    assert "<h1>Create your studio</h1>" in signup
    assert "Sign Up" not in signup and "Sign In" not in signup
    client.post(reverse("account_signup"), SIGNUP)
    sent = client.get(reverse("account_email_verification_sent")).text
    assert "<h1>Check your email</h1>" in sent
    assert "Verify Your Email Address" not in sent
    expired = client.get("/accounts/confirm-email/not-a-real-key/").text
    assert "This link has expired or was already used." in expired
    login = client.get(reverse("account_login")).text
    assert "<h1>Sign in</h1>" in login and "Sign In" not in login


def test_signing_in_is_acknowledged_plainly():
    user = UserFactory(name="Rosa Diaz")
    response = Client().post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}, follow=True
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["Signed in as Rosa Diaz."]
