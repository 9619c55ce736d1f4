from django.urls import path

from mentorwise.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.catalogue_view, name="catalogue"),
    path("new/", views.module_create_view, name="module_create"),
    path(
        "programs/<slug:slug>/requirements/",
        views.program_requirements_view,
        name="program_requirements",
    ),
    path("<slug:slug>/", views.module_view, name="module"),
    path("<slug:slug>/edit/", views.module_edit_view, name="module_edit"),
]
