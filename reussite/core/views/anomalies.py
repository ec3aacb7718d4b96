"""The DPO's anomaly page (reads: reussite/core/selectors/anomalies.py)."""

from datetime import timedelta

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ..ecriture import ecrire, version_soumise
from ..forms.anomalies import (
    PeriodeForm,
    SeuilsForm,
)
from ..models import Evenement, SeuilsAnomalies, User
from ..roles import programmes_dpo
from ..selectors.anomalies import (
    MAXIMUM,
    PERIODE_JOURS,
    Periode,
    acces_nuit_week_end,
    exports,
    lectures_hors_affectation,
    refus_en_rafale,
)
from ..services.anomalies import (
    seuils_enregistrer,
)

# --- The page ----------------------------------------------------------------------------------


def _periode(form) -> Periode:
    au = timezone.localdate()
    donnees = form.cleaned_data if form.is_valid() else {}
    au = donnees.get("au") or au
    du = donnees.get("du") or au - timedelta(days=PERIODE_JOURS - 1)
    return Periode(du=du, au=au)


def _lien(programme, user, debut, fin, evenement="") -> str:
    parametres = {
        "personne": user.email if user else "",
        "du": timezone.localtime(debut).date().isoformat(),
        "au": timezone.localtime(fin).date().isoformat(),
    }
    if evenement:
        parametres["evenement"] = evenement
    return f"{reverse('programmes:journal', args=[programme.pk])}?{urlencode(parametres)}"


def _presenter(programme, listes: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Each row with its person (one query for every list) and the console's link."""
    ids = {ligne["user_id"] for lignes in listes.values() for ligne in lignes}
    personnes = User.objects.in_bulk({i for i in ids if i})
    evenements = {"hors_affectation": Evenement.LECTURE, "refus": Evenement.REFUS}
    libelles = dict(Evenement.choices)
    for nom, lignes in listes.items():
        for ligne in lignes:
            ligne["personne"] = personnes.get(ligne["user_id"])
            ligne["lien"] = _lien(
                programme,
                ligne["personne"],
                ligne["premier"],
                ligne["dernier"],
                evenements.get(nom, ligne.get("evenement", "")),
            )
            if "evenement" in ligne:
                ligne["libelle"] = libelles.get(ligne["evenement"], ligne["evenement"])
    return listes


def anomalies(request, programme_pk):
    programme = get_object_or_404(programmes_dpo(request.user), pk=programme_pk)
    seuils = SeuilsAnomalies.pour(programme)
    periode_form = PeriodeForm(request.GET or None)
    periode = _periode(periode_form)
    form = SeuilsForm(
        request.POST if request.method == "POST" else None, instance=seuils, prefix="seuils"
    )

    def page():
        listes = _presenter(
            programme,
            {
                "hors_affectation": list(
                    lectures_hors_affectation(
                        programme.pk, periode, seuils.lectures_hors_affectation
                    )
                ),
                "nuit": list(acces_nuit_week_end(programme.pk, periode, seuils)),
                "refus": list(refus_en_rafale(programme.pk, periode, seuils.refus_par_heure)),
                "exports": list(exports(programme.pk, periode)),
            },
        )
        return render(
            request,
            "core/anomalies.html",
            {
                "programme": programme,
                "periode": periode,
                "periode_form": periode_form,
                "seuils": seuils,
                "form": form,
                "listes": listes,
                "maximum": MAXIMUM,
            },
        )

    return ecrire(
        request,
        form,
        lambda: seuils_enregistrer(
            programme=programme,
            version=version_soumise(request),
            donnees={champ: form.cleaned_data[champ] for champ in SeuilsForm.Meta.fields},
        ),
        succes=_("Les seuils des anomalies sont enregistrés."),
        suite=reverse("programmes:anomalies", args=[programme.pk]),
        page=page,
    )
