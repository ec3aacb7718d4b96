"""URLs of the actions pages (included by parcours/urls.py, in the `parcours` namespace)."""

urlpatterns = []
