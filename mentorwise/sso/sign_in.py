"""The login page with every single sign-on on offer: OpenID Connect and SAML."""

from __future__ import annotations

from typing import Any

from mentorwise.accounts.views import SignInView
from mentorwise.sso.saml_provider import saml_button_name, saml_enabled


class SsoSignInView(SignInView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        saml = saml_enabled()
        context.update(saml_enabled=saml, saml_name=saml_button_name() if saml else "")
        return context
