"""People URLs (namespace `people`): the directory pages here, the import, login and
introduction pages from the people app."""

from django.urls import path

from mentorwise.directory import views
from mentorwise.people import bio_views, login_views
from mentorwise.people import views as people_views

app_name = "people"
urlpatterns = [
    path("", views.person_list_view, name="list"),
    path("<int:person_id>/", views.person_detail_view, name="detail"),
    path("<int:person_id>/login/", login_views.person_login_view, name="login"),
    path("import/", people_views.import_view, name="import"),
    path("import/runs/<int:run_id>/", people_views.import_run_view, name="import-run"),
    path("import/template.csv", people_views.import_template_view, name="import-template"),
    path("me/", bio_views.my_profile_view, name="me"),
    path("me/bio/", bio_views.bio_update_view, name="bio"),
]
