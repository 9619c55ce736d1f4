from django.urls import path

from mentorwise.availability import views

app_name = "availability_org"
urlpatterns = [
    path("", views.organisation_view, name="organisation"),
    path("<str:provider>/withdraw/", views.organisation_withdraw_view, name="withdraw"),
]
