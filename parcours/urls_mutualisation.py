"""URLs of the mutualisation pages (included by parcours/urls.py, in the `parcours` namespace)."""

urlpatterns = []
