from django.urls import path

from mentorwise.privacy import views

app_name = "privacy"
urlpatterns = [
    path("people/<int:person_id>/", views.person_privacy_view, name="person"),
    path("people/<int:person_id>/export.json", views.person_export_view, name="export"),
    path("people/<int:person_id>/erase/", views.person_erase_view, name="erase"),
]
