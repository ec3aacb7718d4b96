"""URLs of the conventions pages (included by partenaires/urls.py, in the `partenaires` namespace)."""

urlpatterns = []
