"""Reads by intent on the partner network's rows (the models' managers)."""

from django.db import models
from django.db.models import Exists, OuterRef, Q


class ProfessionnelQuerySet(models.QuerySet):
    def actifs(self):
        return self.filter(actif=True, user__is_active=True)

    def du_programme(self, programme):
        return self.filter(structure__programmes=programme)


class OffreQuerySet(models.QuerySet):
    def publiees_pour(self, programmes):
        """Offers published to any of `programmes` (a queryset or a list), without duplicates."""
        publications = self.model.programmes.through.objects.filter(
            offre_id=OuterRef("pk"), programme__in=programmes
        )
        return self.filter(Exists(publications))

    def diffusees(self, le=None):
        """Offers published as open data (data·inclusion), still available."""
        return self.disponibles(le).filter(diffusion_publique=True)

    def disponibles(self, le=None):
        from datetime import date

        le = le or date.today()
        return self.filter(
            Q(active=True),
            Q(disponible_du__isnull=True) | Q(disponible_du__lte=le),
            Q(disponible_au__isnull=True) | Q(disponible_au__gte=le),
        )
