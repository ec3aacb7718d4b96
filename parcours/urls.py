from django.urls import include, path

from .views import fiche, imports, pages, partage, transferts, transitions

app_name = "parcours"

urlpatterns = [
    path("", pages.parcours_liste, name="liste"),
    path("mes-suivis/", partage.mes_suivis, name="mes_suivis"),
    path("nouveau/", pages.parcours_creer, name="creer"),
    path("charte/", partage.charte_vue, name="charte"),
    path("passation/", partage.passation_vue, name="passation"),
    path("eps/", include("parcours.urls_eps")),
    path("orientations/", include("parcours.urls_orientations")),
    path("import/", imports.import_page, name="import"),
    path("import/modele/", imports.import_modele, name="import_modele"),
    path("import/<int:import_pk>/", imports.import_apercu, name="import_apercu"),
    path("transferts/", transferts.transferts_liste, name="transferts"),
    path("transferts/<int:transfert_pk>/", transferts.transfert_detail, name="transfert"),
    path(
        "transferts/<int:transfert_pk>/decision/",
        transferts.transfert_decider,
        name="transfert_decider",
    ),
    path("<int:pk>/transfert/", transferts.transfert_proposer_vue, name="transfert_proposer"),
    # --- school transitions (issue 21)
    path("transitions/", transitions.transitions_liste, name="transitions"),
    path("<int:pk>/transition/", transitions.transition_vue, name="transition"),
    path(
        "<int:pk>/transition/fiche.pdf",
        transitions.transition_fiche_pdf,
        name="transition_fiche_pdf",
    ),
    path("mutualisation/", include("parcours.urls_mutualisation")),
    path("", include("parcours.urls_actions")),
    path("", include("parcours.urls_journal")),
    path("", include("parcours.urls_dispositifs")),
    path("", include("parcours.urls_protection")),
    path("", include("parcours.urls_sollicitations")),
    path("statistiques/", include("parcours.urls_statistiques")),
    path("", include("parcours.urls_exports")),
    path("", include("parcours.urls_familles")),
    # The pathway's page, one URL per section (its tabs); the pathway's address is the synthesis.
    path("<int:pk>/", fiche.parcours_detail, name="detail"),
    path("<int:pk>/objectifs/", fiche.parcours_objectifs, name="objectifs"),
    path("<int:pk>/journal/", fiche.parcours_journal, name="journal"),
    path("<int:pk>/partage/", fiche.parcours_partage, name="partage"),
    path("<int:pk>/historique/", fiche.parcours_historique, name="historique"),
    path("<int:pk>/modifier/", pages.parcours_modifier_vue, name="modifier"),
    path("<int:pk>/enfant/", pages.enfant_modifier_vue, name="modifier_enfant"),
    path("<int:pk>/famille/", pages.famille_modifier_vue, name="modifier_famille"),
    path("<int:pk>/statut/", pages.parcours_changer_statut_vue, name="changer_statut"),
    path("<int:pk>/suspendre/", pages.parcours_suspendre_vue, name="suspendre"),
    path("<int:pk>/sortie/", pages.parcours_sortir_vue, name="sortir"),
    path("<int:pk>/consentement/", pages.consentement_ajouter_vue, name="consentement"),
    path(
        "<int:pk>/consentement/formulaire/",
        partage.consentement_formulaire,
        name="consentement_formulaire",
    ),
    path(
        "<int:pk>/consentement/formulaire.pdf",
        partage.consentement_formulaire_pdf,
        name="consentement_formulaire_pdf",
    ),
    path(
        "<int:pk>/consentement/<int:consentement_pk>/fichier/",
        partage.consentement_fichier,
        name="consentement_fichier",
    ),
    path(
        "<int:pk>/consentement/<int:consentement_pk>/retirer/",
        partage.consentement_retirer_vue,
        name="consentement_retirer",
    ),
    path(
        "<int:pk>/consentement/<int:renouvelle_pk>/renouveler/",
        pages.consentement_ajouter_vue,
        name="consentement_renouveler",
    ),
    path("<int:pk>/intervenants/", partage.intervenant_ajouter_vue, name="intervenant_ajouter"),
    path(
        "<int:pk>/intervenants/<int:intervenant_pk>/retirer/",
        partage.intervenant_retirer_vue,
        name="intervenant_retirer",
    ),
]
