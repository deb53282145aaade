"""The settings page (articles/views/profile.py): the profile, reading preferences that
follow the person (drawn on <html> by the server), sign-in and security, the bookmarklet,
and signing out of the other browsers. Every form refuses bad input with a message and
changes nothing; none answers a forged request."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles import accounts, preferences, sharing
from articles.models import Preference, Role, SaveToken, UserSession
from articles.useragents import browser_name
from tests.factories import make_group, make_user, signed_in

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0"
)
CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/126.0.0.0 Safari/537.36"
)
JSON = {"HTTP_ACCEPT": "application/json"}  # what the header's buttons (prefs.js) send


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def _html_tag(text: str) -> str:
    return re.search(r"<html[^>]*>", text).group(0)


# The page ---------------------------------------------------------------------------


def test_the_settings_page_has_every_section_with_its_anchor(alice_client, user):
    response = alice_client.get(reverse("settings"))
    assert response.status_code == 200
    for anchor, heading in [
        ("profile", "Profile"),
        ("reading", "Reading"),
        ("security", "Sign-in and security"),
        ("bookmarklet", "Save from the web"),
        ("sessions", "Signed-in browsers"),
    ]:
        assert f'id="{anchor}"' in response.text
        assert f'href="#{anchor}"' in response.text
        assert f">{heading}</h2>" in response.text
    assert SaveToken.objects.get(user=user).token in response.text  # the bookmarklet


def test_the_header_links_to_settings_and_for_staff_to_the_admin(alice_client, admin_user):
    page = alice_client.get(reverse("library")).text
    assert f'href="{reverse("settings")}"' in page
    assert f'href="{reverse("admin:index")}"' not in page
    staff_page = signed_in(admin_user).get(reverse("library")).text
    assert f'href="{reverse("admin:index")}"' in staff_page


def test_signed_out_the_settings_page_asks_to_sign_in(client):
    response = client.get(reverse("settings"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_guest_is_offered_no_bookmarklet_and_no_default_audience(user):
    profile = accounts.profile_of(user)
    profile.role = Role.GUEST
    profile.save()
    page = signed_in(user).get(reverse("settings")).text
    assert 'id="bookmarklet"' not in page
    assert "Who sees your new annotations" not in page
    assert not SaveToken.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("settings_profile", {"display_name": "Forged"}),
        ("settings_reading", {"theme": "dark"}),
        ("settings_sessions_end_others", {}),
        ("save_settings", {}),
    ],
)
def test_a_forged_form_without_the_csrf_token_is_refused(user, url, data):
    other = signed_in(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = SaveToken.regenerate(user).token
    assert client.post(reverse(url), data).status_code == 403
    assert accounts.profile_of(get_user_model().objects.get(pk=user.pk)).display_name == ""
    assert not Preference.objects.filter(user=user).exists()
    assert SaveToken.objects.get(user=user).token == token
    assert other.get(reverse("library")).status_code == 200  # still signed in


# Profile ----------------------------------------------------------------------------


def test_saving_the_profile_changes_the_name_initials_and_address(alice_client, user):
    data = {"display_name": "  Alice   Baker ", "initials": "ab", "email": "a.baker@example.org"}
    response = alice_client.post(reverse("settings_profile"), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("settings") + "#profile"
    user.refresh_from_db()
    profile = accounts.profile_of(user)
    assert (profile.display_name, profile.initials) == ("Alice Baker", "ab")
    assert user.email == "a.baker@example.org"
    page = alice_client.get(reverse("settings")).text
    assert "Profile saved." in page
    assert 'value="Alice Baker"' in page
    assert re.search(r'class="initials"[^>]*>ab<', page)


def test_the_profile_answers_htmx_with_its_section_alone(alice_client):
    response = alice_client.post(
        reverse("settings_profile"),
        {"display_name": "Alice Baker", "initials": "", "email": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="profile"')
    assert "<html" not in response.text
    assert "Profile saved." in response.text
    assert ">AB<" in response.text  # initials made from the new name


def test_an_address_another_account_uses_is_refused_whatever_its_case(alice_client, user, bob):
    bob.email = "Bob@Example.org"
    bob.save()
    response = alice_client.post(
        reverse("settings_profile"),
        {"display_name": "Alice", "initials": "", "email": "bob@example.ORG"},
    )
    assert response.status_code == 400
    assert "Another account already uses this address" in response.text
    user.refresh_from_db()
    assert user.email == "alice@example.org"
    assert accounts.profile_of(user).display_name == ""  # nothing of the form was saved


def test_keeping_ones_own_address_is_not_taken(alice_client, user):
    response = alice_client.post(
        reverse("settings_profile"),
        {"display_name": "", "initials": "", "email": "ALICE@example.org"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "ALICE@example.org"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("initials", "ABCD", "Initials are at most three letters."),
        ("initials", "A1", "Initials are letters only"),
        ("display_name", "alice@example.org", "cannot hold an e-mail address"),
        ("display_name", "x" * 81, "at most 80 characters"),
        ("email", "not an address", "Enter a valid email address."),
        ("email", "a" * 250 + "@example.org", "at most 254 characters"),
    ],
)
def test_bad_profile_input_is_refused_with_a_reason(alice_client, user, field, value, message):
    data = {"display_name": "Alice", "initials": "", "email": "", field: value}
    for headers in ({}, {"HX-Request": "true"}):
        response = alice_client.post(reverse("settings_profile"), data, headers=headers)
        assert response.status_code == 400
        assert message in response.text
    assert accounts.profile_of(user).display_name == ""


# Reading ----------------------------------------------------------------------------


def test_reading_preferences_are_drawn_on_every_page_from_the_first_byte(alice_client, user):
    assert "data-theme" not in _html_tag(alice_client.get(reverse("library")).text)
    response = alice_client.post(
        reverse("settings_reading"),
        {"theme": "dark", "text_scale": "1.2", "default_audience": "private"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("settings") + "#reading"
    assert "Reading preferences saved." in alice_client.get(reverse("settings")).text
    html = _html_tag(alice_client.get(reverse("library")).text)
    assert 'data-theme="dark"' in html
    assert 'data-scale="1.2"' in html
    assert f'data-account-prefs="{user.pk}"' in html
    # ... and on another browser the same person signs in on.
    assert 'data-theme="dark"' in _html_tag(signed_in(user).get(reverse("search")).text)
    assert sharing.default_audience(user) is None  # "Only me"


def test_following_the_system_and_the_default_size_write_nothing_on_html(alice_client, user):
    preferences.set_reading(user, theme="dark", text_scale=Decimal("1.4"))
    alice_client.post(
        reverse("settings_reading"),
        {"theme": "", "text_scale": "1.0", "default_audience": "private"},
    )
    html = _html_tag(alice_client.get(reverse("library")).text)
    assert "data-theme" not in html
    assert "data-scale" not in html
    assert Preference.objects.get(user=user).text_scale is None


def test_signed_out_pages_leave_the_theme_to_the_browser(client, user):
    preferences.set_reading(user, theme="dark")
    assert "data-account-prefs" not in _html_tag(client.get(reverse("login")).text)


def test_the_header_buttons_change_one_field_and_keep_the_others(alice_client, user, desk):
    sharing.remember_audience(user, desk)
    preferences.set_reading(user, theme="dark", text_scale=Decimal("1.3"))
    response = alice_client.post(reverse("settings_reading"), {"text_scale": "1.4"}, **JSON)
    assert response.status_code == 204
    response = alice_client.post(reverse("settings_reading"), {"theme": "light"}, **JSON)
    assert response.status_code == 204
    preference = Preference.objects.get(user=user)
    assert (preference.theme, preference.text_scale) == ("light", Decimal("1.4"))
    assert preference.default_group == desk


def test_the_readers_font_width_and_line_height_are_drawn_from_the_first_byte(
    alice_client, user, article
):
    response = alice_client.post(
        reverse("settings_reading"),
        {"theme": "", "text_scale": "1.0", "font": "sans", "line_width": "wide",
         "line_height": "loose", "default_audience": "private"},
    )  # fmt: skip
    assert response.status_code == 302
    html = _html_tag(alice_client.get(article.get_absolute_url()).text)
    assert 'data-font="sans"' in html
    assert 'data-measure="wide"' in html
    assert 'data-leading="loose"' in html
    settings_page = alice_client.get(reverse("settings")).text
    assert '<option value="sans" selected>' in settings_page
    # The header's buttons send one field: the typography stays.
    alice_client.post(reverse("settings_reading"), {"text_scale": "1.2"}, **JSON)
    preference = Preference.objects.get(user=user)
    assert (preference.font, preference.line_width, preference.line_height) == (
        "sans", "wide", "loose",
    )  # fmt: skip
    # The defaults write nothing on <html>.
    alice_client.post(
        reverse("settings_reading"),
        {"text_scale": "1.0", "font": "", "line_width": "", "line_height": "",
         "default_audience": "private"},
    )  # fmt: skip
    html = _html_tag(alice_client.get(article.get_absolute_url()).text)
    assert "data-font" not in html
    assert "data-measure" not in html
    assert "data-leading" not in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("font", "comic", "Choose one of the fonts."),
        ("line_width", "huge", "Choose one of the line widths."),
        ("line_height", "3", "Choose one of the line heights."),
    ],
)
def test_an_unknown_typography_is_refused_and_changes_nothing(
    alice_client, user, field, value, message
):
    preferences.set_reading(user, font="mono")
    answer = alice_client.post(reverse("settings_reading"), {field: value}, **JSON)
    assert answer.status_code == 400
    assert any(message in e for e in answer.json()["errors"])
    assert Preference.objects.get(user=user).font == "mono"
    with pytest.raises(ValueError, match="unknown"):
        preferences.set_reading(user, **{field: value})


def test_choosing_a_theme_leaves_new_annotations_going_to_everyone(alice_client, user):
    assert not Preference.objects.filter(user=user).exists()
    alice_client.post(reverse("settings_reading"), {"theme": "dark"}, **JSON)
    assert sharing.default_audience(user) == sharing.default_group()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"theme": "purple"}, "Choose a theme"),
        ({"theme": "dark\x01"}, "Choose a theme"),
        ({"text_scale": "2.5"}, "Choose one of the text sizes, from 80 to 160 per cent."),
        ({"text_scale": "1.15"}, "Choose one of the text sizes"),
        ({"text_scale": "NaN"}, "Choose one of the text sizes"),
        ({"text_scale": ""}, "This field is required."),
    ],
)
def test_an_invalid_theme_or_size_is_refused_and_changes_nothing(alice_client, user, data, message):
    preferences.set_reading(user, theme="light", text_scale=Decimal("0.9"))
    page = alice_client.post(reverse("settings_reading"), data)
    assert page.status_code == 400
    assert message in page.text
    assert 'id="reading"' in page.text  # the page again, the error in its section
    answer = alice_client.post(reverse("settings_reading"), data, **JSON)
    assert answer.status_code == 400
    assert any(message in e for e in answer.json()["errors"])
    preference = Preference.objects.get(user=user)
    assert (preference.theme, preference.text_scale) == ("light", Decimal("0.9"))


def test_a_group_the_person_is_not_in_cannot_be_their_default_audience(alice_client, user, carol):
    theirs = make_group("Investigations", carol)
    mine = make_group("Politics desk", user)
    response = alice_client.post(
        reverse("settings_reading"), {"theme": "", "default_audience": str(theirs.pk)}
    )
    assert response.status_code == 400
    assert "You can share only with a group you belong to." in response.text
    assert sharing.default_audience(user) == sharing.default_group()
    alice_client.post(reverse("settings_reading"), {"default_audience": str(mine.pk)})
    assert sharing.default_audience(user) == mine


def test_the_audience_menu_offers_the_persons_groups_and_only_me(alice_client, desk, carol):
    make_group("Investigations", carol)
    page = alice_client.get(reverse("settings")).text
    menu = re.search(r'<select name="default_audience".*?</select>', page, re.DOTALL).group(0)
    assert re.findall(r">([^<]+)</option>", menu) == ["Everyone", "Politics desk", "Only me"]
    assert re.search(r'value="\d+" selected>Everyone<', menu)


def test_the_preferences_cost_a_page_no_query(alice_client, user):
    alice_client.get(reverse("library"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            alice_client.get(reverse("library"))
        return len(queries)

    before = count()
    preferences.set_reading(user, theme="dark", text_scale=Decimal("1.2"))
    profile = accounts.profile_of(user)
    profile.display_name = "Alice Baker"
    profile.save()
    assert count() == before


# Sign-in and security -----------------------------------------------------------------


def test_the_security_section_says_whether_two_factor_sign_in_is_on(alice_client, user):
    page = alice_client.get(reverse("settings")).text
    assert '<span class="badge">Off</span>' in page
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page = alice_client.get(reverse("settings")).text
    assert '<span class="badge badge-on">On</span>' in page


# Signed-in browsers -------------------------------------------------------------------


def _seen_as(client: Client, user_agent: str, address: str) -> None:
    key = client.session.session_key
    UserSession.objects.filter(session_key=key).update(user_agent=user_agent, address=address)


def test_the_signed_in_browsers_are_listed_with_this_one_first(user):
    here, phone = signed_in(user), signed_in(user)
    _seen_as(here, FIREFOX, "192.0.2.10")
    _seen_as(phone, SAFARI_IPHONE, "198.51.100.7")
    page = here.get(reverse("settings")).text
    assert page.index("Firefox on Linux") < page.index("Safari on iPhone")
    assert page.count("This browser") == 1
    assert "192.0.2.10" in page
    assert "198.51.100.7" in page
    assert "Sign out of 1 other browser?" in page  # the confirmation, before the button


def test_signing_out_everywhere_else_ends_the_others_and_keeps_this_one(user, bob):
    here, laptop, phone = signed_in(user), signed_in(user), signed_in(user)
    colleague = signed_in(bob)
    response = here.post(reverse("settings_sessions_end_others"))
    assert response.status_code == 302
    assert response["Location"] == reverse("settings") + "#sessions"
    for other in (laptop, phone):
        gone = other.get(reverse("library"))
        assert gone.status_code == 302
        assert reverse("login") in gone["Location"]
    page = here.get(reverse("settings"))
    assert page.status_code == 200
    assert "Signed out of 2 other browsers." in page.text
    assert "Only this browser is signed in" in page.text
    assert colleague.get(reverse("library")).status_code == 200  # nobody else's
    assert list(UserSession.objects.filter(user=user).values_list("session_key", flat=True)) == [
        here.session.session_key
    ]


def test_with_no_other_browser_there_is_nothing_to_sign_out(alice_client):
    page = alice_client.get(reverse("settings")).text
    assert "Sign out everywhere else" not in page
    alice_client.post(reverse("settings_sessions_end_others"))
    assert "No other browser was signed in." in alice_client.get(reverse("settings")).text


@pytest.mark.parametrize(
    ("user_agent", "name"),
    [
        (FIREFOX, "Firefox on Linux"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (EDGE_WINDOWS, "Edge on Windows"),
        (CHROME_MAC, "Chrome on macOS"),
        ("", "Unknown browser"),
        ("something/1.0", "Unknown browser"),
    ],
)
def test_a_browser_is_named_as_a_person_knows_it(user_agent, name):
    assert browser_name(user_agent) == name


def test_a_new_account_has_no_preferences_until_it_chooses(db):
    user = make_user("dora")
    assert preferences.reading_of(user) == preferences.Reading()


HOSTILE = [
    {},
    {"display_name": "x" * 10_000, "initials": "٣٣", "email": "@" * 300},
    {"theme": ["dark", "light"], "text_scale": ["1.1", "9"], "default_audience": ["private", "x"]},
    {"theme": "<script>", "text_scale": "1e999", "default_audience": "99999999999999999999"},
    {"default_audience": "-1", "text_scale": " 1.1 ", "initials": "Ａ"},
]


@pytest.mark.parametrize("data", HOSTILE)
@pytest.mark.parametrize(
    "url", ["settings_profile", "settings_reading", "settings_sessions_end_others"]
)
@pytest.mark.parametrize("accept", [{}, JSON, {"HTTP_HX_REQUEST": "true"}])
def test_no_input_makes_a_settings_form_fail(alice_client, url, data, accept):
    response = alice_client.post(reverse(url), data, **accept)
    assert response.status_code < 500
    assert alice_client.get(reverse("settings")).status_code == 200


def test_a_guest_chooses_their_own_name_and_theme(user):
    profile = accounts.profile_of(user)
    profile.role = Role.GUEST
    profile.save()
    client = signed_in(user)
    data = {"display_name": "Alice Guest", "initials": "", "email": ""}
    assert client.post(reverse("settings_profile"), data).status_code == 302
    assert client.post(reverse("settings_reading"), {"theme": "dark"}, **JSON).status_code == 204
    assert accounts.profile_of(_fresh(user)).display_name == "Alice Guest"
    assert preferences.reading_of(_fresh(user)).theme == "dark"
    # No default audience was written for someone who writes no annotations.
    assert Preference.objects.get(user=user).default_group == sharing.default_group()
