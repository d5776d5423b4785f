from __future__ import annotations

from django.urls import path

from . import views

app_name = "leads"

urlpatterns = [
    path("match/", views.match_start, name="match"),
    path("match/step/<int:step>/", views.match_step, name="match_step"),
    path("match/done/", views.match_done, name="match_done"),
    path("match/start-over/", views.match_start_over, name="match_start_over"),
    path("match/stop-contact/", views.stop_contact, name="stop_contact"),
]
