"""URLs of the journal pages (included by parcours/urls.py, in the `parcours` namespace)."""

urlpatterns = []
