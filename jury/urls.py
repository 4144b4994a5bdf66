"""Jury member pages."""

from django.urls import path

from . import views

app_name = "jury"

urlpatterns = [
    path("", views.home, name="home"),
]
