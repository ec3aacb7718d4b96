"""The legal frame (issue 19): the public legal pages and the family notice.

Every page here reads values, never a deployment's hard-coded text: the platform operator's
identity is the REUSSITE_OPERATEUR setting, each programme's legal identity its
`CadreJuridique`, its retention `Programme.conservation_mois`, the access trail's retention
REUSSITE_JOURNAL_CONSERVATION_MOIS, and the accessibility mention the repository's self-audit
(reussite/core/rgaa.py). The pages show no child data: they are reachable without logging in
(and before the second factor), from the footer of every page.

A page that concerns one programme takes it from the query string (`?programme=`): any
programme's published legal identity is public, as it would be on its structure porteuse's
own website.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from .. import rgaa
from ..models import Programme
from ..pdf import pdf_depuis_gabarit, reponse_pdf

# What a pathway records, in the words of a notice (GDPR art. 13.1.c and 14.1.d): the
# categories follow the models of parcours/ (Enfant, ResponsableLegal, Parcours, Objectif,
# Action, ReunionEPS, Note, Consentement, InformationPreoccupante).
CATEGORIES_DONNEES = [
    gettext_lazy("l’identité de l’enfant : nom, prénom, date de naissance, sexe"),
    gettext_lazy("sa scolarité : établissement, niveau, classe"),
    gettext_lazy("son quartier de résidence (quartier prioritaire ou non)"),
    gettext_lazy(
        "l’identité et les coordonnées des titulaires de l’autorité parentale, la fratrie"
    ),
    gettext_lazy(
        "le parcours : qui a orienté l’enfant et pourquoi, les objectifs, les actions, les "
        "réunions de l’équipe pluridisciplinaire et leurs conclusions, les notes des "
        "professionnels"
    ),
    gettext_lazy("les consentements signés par la famille et leurs éventuels retraits"),
    gettext_lazy(
        "si un enfant est en danger, la date et la référence de la transmission d’une "
        "information préoccupante (jamais son contenu)"
    ),
]
FINALITES = [
    gettext_lazy(
        "coordonner l’accompagnement individualisé de l’enfant et de sa famille par le "
        "programme de réussite éducative et ses partenaires"
    ),
    gettext_lazy("préparer et suivre les réunions de l’équipe pluridisciplinaire de soutien"),
    gettext_lazy(
        "produire des statistiques anonymes pour le pilotage du programme et l’enquête "
        "nationale annuelle"
    ),
]
DROITS = [
    (
        gettext_lazy("accès"),
        gettext_lazy("savoir quelles données sont enregistrées et en recevoir une copie"),
    ),
    (gettext_lazy("rectification"), gettext_lazy("faire corriger une information inexacte")),
    (gettext_lazy("effacement"), gettext_lazy("demander la suppression des données")),
    (
        gettext_lazy("limitation"),
        gettext_lazy("demander que les données soient gelées le temps d’une vérification"),
    ),
    (gettext_lazy("opposition"), gettext_lazy("s’opposer au traitement et sortir du programme")),
    (
        gettext_lazy("retrait du consentement"),
        gettext_lazy("retirer à tout moment l’accord donné au partage avec les partenaires"),
    ),
]
DELAI_REPONSE = gettext_lazy(
    "Le programme répond dans un délai d’un mois, prolongeable de deux mois si la demande est "
    "complexe ; il vous dit alors pourquoi."
)


def operateur() -> dict:
    return settings.REUSSITE_OPERATEUR


def contexte_programme(programme: Programme) -> dict:
    """What every document about one programme reads: its legal identity (None until its team
    fills it in), its retentions, the categories, purposes and rights."""
    return {
        "programme": programme,
        "cadre": getattr(programme, "cadre_juridique", None),
        "conservation_mois": programme.conservation_mois,
        "conservation_journal_mois": settings.REUSSITE_JOURNAL_CONSERVATION_MOIS,
        "categories": CATEGORIES_DONNEES,
        "finalites": FINALITES,
        "droits": DROITS,
        "delai_reponse": DELAI_REPONSE,
        "operateur": operateur(),
    }


# The programmes offered at once on the personal-data page: a platform of 500 programmes
# would otherwise send 500 options on every visit (issue 18, point 2); the search finds the
# others by name, territory or commune.
PROGRAMMES_PROPOSES = 20


def _programmes_proposes(recherche: str, choisi: Programme | None) -> dict:
    """The programmes the page's select offers, in one query whatever the platform's size: those
    matching `recherche` (the first alphabetically when none is typed), at most
    PROGRAMMES_PROPOSES, with the chosen programme first when it is not among them."""
    programmes = Programme.objects.only("pk", "nom").order_by("nom", "pk")
    if recherche:
        programmes = programmes.recherche(recherche)
    trouves = list(programmes[: PROGRAMMES_PROPOSES + 1])
    proposes = trouves[:PROGRAMMES_PROPOSES]
    if choisi is not None and choisi not in proposes:
        proposes.insert(0, choisi)
    return {
        "programmes": proposes,
        "programmes_en_plus": len(trouves) > PROGRAMMES_PROPOSES,
        "programmes_trouves": len(trouves),
        "programmes_limite": PROGRAMMES_PROPOSES,
        "recherche": recherche,
    }


def _programme_demande(request) -> Programme | None:
    """The programme named by `?programme=`, with its legal identity (one query); None when
    absent; 404 when it names no programme."""
    valeur = request.GET.get("programme", "")
    if not valeur:
        return None
    if not valeur.isdigit():
        raise Http404
    programme = Programme.objects.select_related("cadre_juridique").filter(pk=valeur).first()
    if programme is None:
        raise Http404
    return programme


@login_not_required
@require_GET
def mentions_legales(request):
    return render(request, "juridique/mentions_legales.html", {"operateur": operateur()})


@login_not_required
@require_GET
def donnees_personnelles(request):
    programme = _programme_demande(request)
    recherche = request.GET.get("recherche", "").strip()
    contexte = {"operateur": operateur(), **_programmes_proposes(recherche, programme)}
    if programme is not None:
        contexte |= contexte_programme(programme)
    else:
        contexte |= {
            "programme": None,
            "finalites": FINALITES,
            "categories": CATEGORIES_DONNEES,
            "droits": DROITS,
            "delai_reponse": DELAI_REPONSE,
            "conservation_journal_mois": settings.REUSSITE_JOURNAL_CONSERVATION_MOIS,
        }
    return render(request, "juridique/donnees_personnelles.html", contexte)


@login_not_required
@require_GET
def cookies(request):
    return render(
        request,
        "juridique/cookies.html",
        {
            "session_minutes": settings.SESSION_COOKIE_AGE // 60,
            "session_nom": settings.SESSION_COOKIE_NAME,
            "csrf_nom": settings.CSRF_COOKIE_NAME,
        },
    )


@login_not_required
@require_GET
def plan_du_site(request):
    return render(request, "juridique/plan_du_site.html")


@login_not_required
@require_GET
def accessibilite(request):
    return render(
        request,
        "juridique/accessibilite.html",
        {"audit": rgaa.resultat(), "operateur": operateur()},
    )


def _notice_programme(request) -> Programme:
    programme = _programme_demande(request)
    if programme is None:
        raise Http404
    return programme


@login_not_required
@require_GET
def notice_familles(request):
    programme = _notice_programme(request)
    return render(request, "juridique/notice_familles.html", contexte_programme(programme))


@login_not_required
@require_GET
def notice_familles_pdf(request):
    programme = _notice_programme(request)
    contenu = pdf_depuis_gabarit(
        "juridique/notice_familles_pdf.html", contexte_programme(programme), request=request
    )
    return reponse_pdf(contenu, _("notice-familles-%(programme)s") % {"programme": programme.nom})
