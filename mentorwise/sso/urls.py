"""Single sign-on URLs, mounted under /account/sso/ (the paths the identity provider knows)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from mentorwise.sso import saml, saml_views
from mentorwise.sso.oidc import SSOCallbackView, SSOStartView

app_name = "sso"
urlpatterns = [
    path("start/", login_not_required(SSOStartView.as_view()), name="oidc_start"),
    path("callback/", login_not_required(SSOCallbackView.as_view()), name="oidc_callback"),
    path("saml/login/", login_not_required(saml.SamlLoginView.as_view()), name="saml_login"),
    path("saml/acs/", login_not_required(saml.SamlAcsView.as_view()), name="saml_acs"),
    path("saml/ls/", login_not_required(saml.SamlSingleLogoutView.as_view()), name="saml_sls"),
    path(
        "saml/metadata/", login_not_required(saml.SamlMetadataView.as_view()), name="saml_metadata"
    ),
    path("saml/settings/", saml_views.saml_settings_view, name="saml_settings"),
]
