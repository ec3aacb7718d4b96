"""URLs of the annuaire pages (included by partenaires/urls.py, in the `partenaires` namespace)."""

urlpatterns = []
