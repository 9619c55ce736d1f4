"""SCIM 2.0 under /scim/v2/ (RFC 7644); the view answers 401 itself, as SCIM errors."""

from django.urls import re_path

from mentorwise.scim.views import scim_view

app_name = "scim"

urlpatterns = [
    re_path(r"^v2/?$", scim_view, name="root"),
    re_path(r"^v2/(?P<path>.+?)/?$", scim_view, name="endpoint"),
]
