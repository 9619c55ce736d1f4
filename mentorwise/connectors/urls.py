"""HR connector pages (namespace `connectors`), under /people/connectors/."""

from django.urls import path

from mentorwise.connectors import views

app_name = "connectors"
urlpatterns = [
    path("", views.connector_list_view, name="list"),
    path("new/", views.connector_new_view, name="new"),
    path("<int:connector_id>/", views.connector_detail_view, name="detail"),
    path("<int:connector_id>/edit/", views.connector_edit_view, name="edit"),
    path("<int:connector_id>/test/", views.connector_test_view, name="test"),
    path("<int:connector_id>/run/", views.connector_run_view, name="run"),
    path("<int:connector_id>/delete/", views.connector_delete_view, name="delete"),
    path("runs/<int:run_id>/confirm/", views.connector_confirm_view, name="confirm"),
]
