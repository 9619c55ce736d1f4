from django.urls import path

from mentorwise.accounts import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.token_list_view, name="tokens"),
    path("tokens/new/", views.token_create_view, name="token_create"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
]
