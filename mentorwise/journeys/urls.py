"""Journey pages: a program's journey (its managers edit it) and a relationship's journey."""

from django.urls import path

from mentorwise.journeys import views

app_name = "journeys"
urlpatterns = [
    path("programs/<slug:slug>/journey/", views.program_journey_view, name="program"),
    path("programs/<slug:slug>/journey/steps/", views.step_add_view, name="step_add"),
    path(
        "programs/<slug:slug>/journey/steps/<int:step_id>/",
        views.step_edit_view,
        name="step_edit",
    ),
    path(
        "programs/<slug:slug>/journey/steps/<int:step_id>/move/",
        views.step_move_view,
        name="step_move",
    ),
    path(
        "programs/<slug:slug>/journey/steps/<int:step_id>/remove/",
        views.step_remove_view,
        name="step_remove",
    ),
    path(
        "relationships/<int:relationship_id>/journey/",
        views.relationship_journey_view,
        name="relationship",
    ),
    path(
        "relationships/<int:relationship_id>/journey/<int:step_id>/",
        views.relationship_step_view,
        name="relationship_step",
    ),
    path(
        "relationships/<int:relationship_id>/journey/<int:step_id>/done/",
        views.step_done_view,
        name="step_done",
    ),
]
