from django.urls import path

from mentorwise.accounts import views

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
    path("break-glass/<str:token>/", views.break_glass_view, name="break_glass"),
]
