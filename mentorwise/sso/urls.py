"""Single sign-on URLs, mounted under /account/sso/ (the paths the identity provider knows)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from mentorwise.sso.oidc import SSOCallbackView, SSOStartView

app_name = "sso"
urlpatterns = [
    path("start/", login_not_required(SSOStartView.as_view()), name="oidc_start"),
    path("callback/", login_not_required(SSOCallbackView.as_view()), name="oidc_callback"),
]
