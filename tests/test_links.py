"""{% cached_url %} and {% cached_static %} (practice/templatetags/links.py): the header's
links and static files, worked out once."""

import uuid

import pytest
from django.template import Context, Template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse, set_script_prefix

from practice.templatetags.links import cached_static, cached_url


def test_a_cached_url_is_what_reverse_gives():
    code = uuid.uuid4()
    assert cached_url("client_list", code) == reverse("client_list", args=[code])
    assert cached_url("home") == reverse("home")


def test_a_site_under_a_prefix_gets_its_links_under_it():
    code = uuid.uuid4()
    set_script_prefix("/portal/")
    try:
        assert cached_url("client_list", code) == f"/portal/studios/{code}/clients/"
    finally:
        set_script_prefix("/")
    assert cached_url("client_list", code) == f"/studios/{code}/clients/"


def test_in_a_template_it_sets_a_variable_as_url_does():
    code = uuid.uuid4()
    template = Template("{% load links %}{% cached_url 'team' code as team_url %}[{{ team_url }}]")
    assert template.render(Context({"code": code})) == f"[{reverse('team', args=[code])}]"


def test_a_name_that_does_not_exist_is_an_error_not_an_empty_link():
    with pytest.raises(NoReverseMatch):
        cached_url("no_such_page")


def test_a_cached_static_file_is_what_static_gives():
    assert cached_static("css/groundwork.css") == static("css/groundwork.css")
    template = Template("{% load links %}<link href=\"{% cached_static 'js/forms.js' %}\">")
    assert template.render(Context()) == f'<link href="{static("js/forms.js")}">'
