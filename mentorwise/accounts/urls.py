from django.urls import path

from mentorwise.accounts import passkey_views, two_step_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.account_view, name="account"),
    path("language/", views.language_view, name="language"),
    path("password/", views.password_change_view, name="password_change"),
    path(
        "reset/<str:uidb64>/<str:token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("sign-out-everywhere/", views.sign_out_everywhere_view, name="sign_out_everywhere"),
    path("tokens/", views.token_list_view, name="tokens"),
    path("tokens/new/", views.token_create_view, name="token_create"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
    path("two-step/", two_step_views.two_step_verify_view, name="two_step_verify"),
    path("two-step/setup/", two_step_views.two_step_setup_view, name="two_step_setup"),
    path(
        "two-step/recovery-codes/",
        two_step_views.recovery_codes_renew_view,
        name="two_step_recovery_codes",
    ),
    path("two-step/off/", two_step_views.two_step_turn_off_view, name="two_step_off"),
    path("two-step/codes/", passkey_views.codes_view, name="two_step_codes"),
    path(
        "two-step/passkeys/register/options/",
        passkey_views.register_options_view,
        name="passkey_register_options",
    ),
    path("two-step/passkeys/register/", passkey_views.register_view, name="passkey_register"),
    path(
        "two-step/passkeys/sign-in/options/",
        passkey_views.sign_in_options_view,
        name="passkey_sign_in_options",
    ),
    path("two-step/passkeys/sign-in/", passkey_views.sign_in_view, name="passkey_sign_in"),
    path(
        "two-step/passkeys/remove/",
        passkey_views.remove_view,
        name="passkey_remove",
    ),
    path("break-glass/<str:token>/", views.break_glass_view, name="break_glass"),
]
