"""Error answers through the real URLconf: the product's pages on the web (with a way back),
the API's JSON shape under /api/, SCIM's error shape under /scim/; never a technical page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mentorwise.relationships.tests.factories import started_relationship
from tests.crawl import links_of

pytestmark = pytest.mark.django_db

# What Django's technical pages (DEBUG) show, and what no error page may.
TECHNICAL = ("Using the URLconf", "Traceback", "DEBUG = True", "settings.py", "site-packages")


def signed_in(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def assert_product_page(response: Any, status: int, *, nav: bool = True) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    for leak in TECHNICAL:
        assert leak not in html, leak
    assert 'class="brand"' in html and f"Error {status}" in html
    assert ('aria-label="Main"' in html) is nav  # the layout's navigation, when signed in
    assert "/" in links_of(html, "/x/"), "a link home"
    return html


def test_a_missing_page_is_the_products_404_with_a_way_home(mentee: Any) -> None:
    response = signed_in(mentee).get("/no-such-page/", headers={"Referer": "http://testserver/"})
    html = assert_product_page(response, 404)
    assert "Page not found" in html
    assert "Back to the previous page" in html


def test_an_object_outside_ones_scope_is_the_same_404(mentee: Any) -> None:
    html = assert_product_page(signed_in(mentee).get("/relationships/999999/"), 404)
    assert "No such relationship" not in html  # the page says nothing about the object


def test_anonymous_visitors_get_the_404_page_without_navigation(db: None) -> None:
    assert_product_page(Client().get("/no-such-page/"), 404, nav=False)


def test_a_refused_page_is_the_products_403_with_the_reason(
    mentee: Any, mentor: Any, hr_admin: Any
) -> None:
    relationship = started_relationship(mentee, mentor)
    # An overseer opening the pair's survey: refused, and the page says why.
    response = signed_in(hr_admin).get(f"/relationships/{relationship.pk}/surveys/midpoint/")
    html = assert_product_page(response, 403)
    assert "Only the two people in this relationship answer its surveys." in html


@pytest.mark.parametrize(
    ("address", "back"),
    [
        ("/relationships/{pk}/check-ins/", "/relationships/{pk}/"),
        ("/relationships/{pk}/agreement/confirm/", "/relationships/{pk}/agreement/"),
        ("/logout/", "/"),
    ],
)
def test_a_post_only_address_opened_with_get_explains_and_links_back(
    mentee: Any, mentor: Any, address: str, back: str
) -> None:
    relationship = started_relationship(mentee, mentor)
    address, back = (a.format(pk=relationship.pk) for a in (address, back))
    response = signed_in(mentee).get(address)
    html = assert_product_page(response, 405)
    assert "only accepts form submissions" in html
    assert "POST" in response["Allow"]
    assert back in links_of(html, address)


def test_the_405_page_leads_back_to_where_the_visitor_came_from(mentee: Any, mentor: Any) -> None:
    relationship = started_relationship(mentee, mentor)
    response = signed_in(mentee).get(
        f"/relationships/{relationship.pk}/check-ins/",
        headers={"Referer": "http://testserver/relationships/"},
    )
    assert "/relationships/" in links_of(assert_product_page(response, 405), "/")


def test_a_server_error_is_the_products_500_page(mentee: Any, monkeypatch: Any) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("mentorwise.views.participant_home", broken)
    response = signed_in(mentee).get("/")
    html = assert_product_page(response, 500, nav=False)
    assert "Something went wrong on our side" in html
    assert "secret internals" not in html


def test_an_expired_form_is_the_products_403(mentee: Any, mentor: Any) -> None:
    relationship = started_relationship(mentee, mentor)
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentee)
    response = client.post(f"/relationships/{relationship.pk}/check-ins/", {"pulse": "4"})
    assert "This form expired" in assert_product_page(response, 403)


# The API and SCIM keep their own error shapes -------------------------------------------


def test_api_errors_stay_json(mentee: Any, mentor: Any, monkeypatch: Any) -> None:
    relationship = started_relationship(mentee, mentor)
    client = signed_in(mentee)
    missing = client.get("/api/no-such-operation")
    assert missing.status_code == 404
    assert missing.json() == {
        "code": "not_found",
        "message": "No such address in the API.",
        "errors": [],
    }
    wrong_method = client.get(f"/api/relationships/{relationship.pk}/close")
    assert wrong_method.status_code == 405 and wrong_method["Allow"] == "POST"
    assert wrong_method.json()["code"] == "method_not_allowed"
    assert "POST" in wrong_method.json()["message"]

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr("mentorwise.relationships.selectors.health_for_actor", broken)
    crashed = client.get("/api/relationships")
    assert crashed.status_code == 500
    assert crashed.json()["code"] == "server_error" and set(crashed.json()) == {
        "code",
        "message",
        "errors",
    }
    assert "secret" not in crashed.content.decode()


def test_scim_errors_stay_scim_shaped(db: None) -> None:
    response = Client().get("/scim/no-such-resource")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert body["status"] == "404"
