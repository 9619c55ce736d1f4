from django.urls import path

from mentorwise.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list_view, name="list"),
    path("<int:person_id>/", views.person_detail_view, name="detail"),
    path("import/", views.import_view, name="import"),
]
