"""Demo-only pages: they answer 404 unless REUSSITE_DEMO_COURRIELS is set (`make run`)."""

from django.urls import path

from . import demo

app_name = "demo"

urlpatterns = [
    path("courriels/", demo.courriels, name="courriels"),
]
