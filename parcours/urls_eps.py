"""URLs of the eps pages (included by parcours/urls.py, in the `parcours` namespace)."""

urlpatterns = []
