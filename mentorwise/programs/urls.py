from django.urls import path

from mentorwise.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list_view, name="list"),
    path("templates/", views.template_list_view, name="templates"),
    path("new/", views.program_create_view, name="create"),
    path("skills/", views.skills_view, name="skills"),
    path("enrollments/", views.my_enrollments_view, name="my_enrollments"),
    path("enrollments/<int:enrollment_id>/", views.enrollment_edit_view, name="enrollment_edit"),
    path(
        "enrollments/<int:enrollment_id>/withdraw/",
        views.enrollment_withdraw_view,
        name="enrollment_withdraw",
    ),
    path(
        "enrollments/<int:enrollment_id>/availability/",
        views.enrollment_availability_view,
        name="enrollment_availability",
    ),
    path("<slug:slug>/", views.program_detail_view, name="detail"),
    path("<slug:slug>/edit/", views.program_edit_view, name="edit"),
    path(
        "<slug:slug>/eligibility-preview/",
        views.eligibility_preview_view,
        name="eligibility_preview",
    ),
    path("<slug:slug>/enroll/<str:role>/", views.enroll_view, name="enroll"),
    path("<slug:slug>/participants/", views.participants_view, name="participants"),
    path("<slug:slug>/invite/", views.invite_view, name="invite"),
    path("<slug:slug>/managers/", views.program_managers_view, name="managers"),
]
