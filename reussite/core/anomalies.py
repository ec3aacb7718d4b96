"""The DPO's anomaly views (issue 19): unusual uses of a programme's access trail, each a list
the DPO opens in the console (reussite/core/console_dpo.py) with the person and the period.

- many pathways read outside one's assignments (the business layer says what an assignment is:
  `AFFECTATIONS`, filled by parcours; the core imports no business app);
- reads and changes at night or at the weekend (Europe/Paris time);
- refusals in bursts (several in the same hour);
- exports of identifying lists and right-of-access files.

Every query filters `programme_id` and a period on `le` first, on the index
`journal_programme_le` (programme_id, -le): its cost follows the period's rows of one
programme, not the trail's size, and each list costs one query whatever its length. This is the
only module (with console_dpo) that reads the trail for the DPO: the trail's model and alias are
imported here once (`Trace`).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, F, Max, Min, OuterRef, Q
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay, TruncHour
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .dates import PlageDates
from .ecriture import ConflitDeModification, ecrire, verrouiller, version_soumise
from .forms import DateInput, FormulaireDsfr, ModeleFormulaireDsfr
from .models import Evenement, Programme, SeuilsAnomalies, User
from .models import JournalAcces as Trace
from .roles import programmes_dpo

# Functions (user_ref, object_ref) -> Exists, true when the user is assigned to the pathway
# (OuterRef expressions over the trail's `user_id` and `object_id`). Filled by parcours.
AFFECTATIONS: list = []
# The content type of the trail rows that designate a pathway.
MODELE_PARCOURS = ("parcours", "parcours")
PERIODE_JOURS = 30
MAXIMUM = 100
EXPORTS = [Evenement.EXPORT, Evenement.DROIT_ACCES]
ACTIVITE = [Evenement.LECTURE, Evenement.MODIFICATION, Evenement.EXPORT, Evenement.DROIT_ACCES]


class PeriodeForm(FormulaireDsfr):
    du = forms.DateField(
        label=gettext_lazy("Du"),
        required=False,
        validators=[PlageDates("periode")],
        widget=DateInput(),
    )
    au = forms.DateField(
        label=gettext_lazy("Au"),
        required=False,
        validators=[PlageDates("periode")],
        widget=DateInput(),
    )

    def clean(self):
        donnees = super().clean()
        if donnees.get("du") and donnees.get("au") and donnees["du"] > donnees["au"]:
            self.add_error("au", _("La fin de la période doit suivre son début."))
        return donnees


class SeuilsForm(ModeleFormulaireDsfr):
    class Meta:
        model = SeuilsAnomalies
        fields = [
            "lectures_hors_affectation",
            "acces_nuit_week_end",
            "nuit_debut",
            "nuit_fin",
            "refus_par_heure",
        ]

    def clean(self):
        donnees = super().clean()
        for champ in ("nuit_debut", "nuit_fin"):
            if donnees.get(champ) is not None and donnees[champ] > 23:
                self.add_error(champ, _("Indiquez une heure entre 0 et 23."))
        for champ in ("lectures_hors_affectation", "acces_nuit_week_end", "refus_par_heure"):
            if donnees.get(champ) == 0:
                self.add_error(champ, _("Indiquez au moins 1."))
        return donnees


@transaction.atomic
def seuils_enregistrer(*, programme: Programme, version: int | None, donnees: dict):
    """Create or change the thresholds; the first save locks the programme (two first saves
    make one row), later ones the row at the version the form read."""
    Programme.objects.select_for_update(of=("self",)).get(pk=programme.pk)
    existant = SeuilsAnomalies.objects.filter(programme=programme).first()
    if existant is None:
        seuils = SeuilsAnomalies(programme=programme, version=1)
        if version not in (None, 0):
            raise ConflitDeModification(SeuilsAnomalies(programme=programme, version=0))
    else:
        seuils = verrouiller(existant, version)
        seuils.version += 1
    for champ, valeur in donnees.items():
        setattr(seuils, champ, valeur)
    seuils.full_clean()
    seuils.save()
    return seuils


# --- The queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Periode:
    du: date
    au: date

    @property
    def debut(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.du, time.min))

    @property
    def fin(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.au + timedelta(days=1), time.min))


def _trace(programme_id: int, periode: Periode):
    return Trace.objects.filter(
        programme_id=programme_id, le__gte=periode.debut, le__lt=periode.fin
    ).order_by()


def _fuseau():
    return timezone.get_default_timezone()


def lectures_hors_affectation(programme_id: int, periode: Periode, seuil: int):
    """People who read at least `seuil` different pathways they are not assigned to."""
    # The content type is compared through COALESCE so that the planner starts from the
    # (programme, time) index: the content type's own index would read the pathway reads of
    # every programme over the period (its estimate is wrong on a young or small trail).
    lignes = (
        _trace(programme_id, periode)
        .alias(type_objet=Coalesce("content_type_id", 0))
        .filter(
            evenement=Evenement.LECTURE,
            autorise=True,
            type_objet=ContentType.objects.get_by_natural_key(*MODELE_PARCOURS).pk,
            user_id__isnull=False,
        )
    )
    for affecte in AFFECTATIONS:
        lignes = lignes.exclude(affecte(OuterRef("user_id"), OuterRef("object_id")))
    return (
        lignes.values("user_id")
        .annotate(nombre=Count("object_id", distinct=True), premier=Min("le"), dernier=Max("le"))
        .filter(nombre__gte=seuil)
        .order_by("-nombre", "user_id")[:MAXIMUM]
    )


def acces_nuit_week_end(programme_id: int, periode: Periode, seuils: SeuilsAnomalies):
    """People who read or changed the programme's data at night or at the weekend, at least
    `acces_nuit_week_end` times."""
    heure = ExtractHour("le", tzinfo=_fuseau())
    if seuils.nuit_debut > seuils.nuit_fin:  # across midnight: 21 h → 7 h
        nuit = Q(h__gte=seuils.nuit_debut) | Q(h__lt=seuils.nuit_fin)
    else:
        nuit = Q(h__gte=seuils.nuit_debut, h__lt=seuils.nuit_fin)
    return (
        _trace(programme_id, periode)
        .filter(evenement__in=ACTIVITE, autorise=True, user_id__isnull=False)
        .annotate(h=heure, j=ExtractIsoWeekDay("le", tzinfo=_fuseau()))
        .filter(nuit | Q(j__gte=6))
        .values("user_id")
        .annotate(nombre=Count("pk"), premier=Min("le"), dernier=Max("le"))
        .filter(nombre__gte=seuils.acces_nuit_week_end)
        .order_by("-nombre", "user_id")[:MAXIMUM]
    )


def refus_en_rafale(programme_id: int, periode: Periode, seuil: int):
    """(person, hour) where at least `seuil` accesses were refused."""
    return (
        _trace(programme_id, periode)
        .filter(evenement=Evenement.REFUS)
        .annotate(heure=TruncHour("le", tzinfo=_fuseau()))
        .values("user_id", "heure")
        .annotate(nombre=Count("pk"), premier=Min("le"), dernier=Max("le"))
        .filter(nombre__gte=seuil)
        .order_by("-heure", "user_id")[:MAXIMUM]
    )


def exports(programme_id: int, periode: Periode):
    """Lists and right-of-access files that left the platform."""
    return (
        _trace(programme_id, periode)
        .filter(evenement__in=EXPORTS)
        .annotate(premier=F("le"), dernier=F("le"))
        .values("user_id", "evenement", "page", "object_id", "premier", "dernier")
        .order_by("-le")[:MAXIMUM]
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
