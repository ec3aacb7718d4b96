"""The `parcours` app's one URL file.

`urlpatterns` is the `parcours` namespace (/parcours/); each flow's pages are a pattern list
below, included at its place in it (the order is the resolver's). `reseau_urls` is the
`partenaires` namespace as the site serves it under /partenaires/ (reussite/urls.py):
`partenaires`' own pages (partenaires/urls.py), plus the pages about network objects that show
pathway figures — the offer catalogue and an offer's page (the places or hours used), the
conventions (what their actions consumed). Those are composed in this higher layer, which may
read both (`partenaires` never imports `parcours`: pyproject.toml, import-linter); they keep
their URLs and their `partenaires:` names."""

from django.urls import include, path

from partenaires import urls as partenaires_urls
from reussite.core.views.exports import exporter

from .views import (
    actions,
    conventions,
    dispositifs,
    droits,
    eps,
    exports,
    familles,
    fiche,
    imports,
    journal,
    offres,
    orientations,
    pages,
    partage,
    preuves,
    protection,
    reseau,
    sollicitations,
    statistiques,
    transferts,
    transitions,
)

app_name = "parcours"

# EPS meetings, mounted at /parcours/eps/.
eps_urls = [
    path("", eps.eps_liste, name="eps_liste"),
    path("planifier/", eps.eps_planifier, name="eps_planifier"),
    path("<int:reunion_pk>/", eps.eps_reunion, name="eps_reunion"),
    path("<int:reunion_pk>/ajouter/", eps.eps_ajouter, name="eps_ajouter"),
    path("<int:reunion_pk>/proposes/", eps.eps_confirmer, name="eps_confirmer"),
    path("<int:reunion_pk>/presences/", eps.eps_presences, name="eps_presences"),
    path(
        "<int:reunion_pk>/examens/<int:examen_pk>/",
        eps.eps_examen,
        name="eps_examen",
    ),
    path(
        "<int:reunion_pk>/examens/<int:examen_pk>/retirer/",
        eps.eps_retirer,
        name="eps_retirer",
    ),
    path(
        "<int:reunion_pk>/ordre-du-jour/",
        eps.eps_imprimer,
        {"document": "ordre_du_jour"},
        name="eps_ordre_du_jour",
    ),
    path(
        "<int:reunion_pk>/releve/",
        eps.eps_imprimer,
        {"document": "releve"},
        name="eps_releve",
    ),
]

# Referrals (mounted under parcours/orientations/).
orientations_urls = [
    path("", orientations.orientations_recues, name="orientations"),
    path("envoyees/", orientations.orientations_envoyees, name="orientations_envoyees"),
    path("nouvelle/", orientations.orientation_creer, name="orientation_creer"),
    path("<int:orientation_pk>/", orientations.orientation_detail, name="orientation"),
    path(
        "<int:orientation_pk>/decision/",
        orientations.orientation_decider_vue,
        name="orientation_decider",
    ),
    path(
        "<int:orientation_pk>/reponse/",
        orientations.orientation_repondre_vue,
        name="orientation_repondre",
    ),
    path(
        "<int:orientation_pk>/document/",
        orientations.orientation_document,
        name="orientation_document",
    ),
]

# URLs of the mutualisation pages (included by parcours/urls.py, in the `parcours` namespace).
mutualisation_urls = [
    path("<int:pk>/besoins/nouveau/", offres.besoin_ajouter_vue, name="besoin_ajouter"),
    path("besoins/", offres.besoins_liste, name="besoins"),
    path("besoins/<int:besoin_pk>/clore/", offres.besoin_clore_vue, name="besoin_clore"),
    path("carte/", offres.carte_vue, name="carte_competences"),
]

# URLs of the actions pages (included by parcours/urls.py, in the `parcours` namespace).
actions_urls = [
    path("<int:pk>/objectifs/ajouter/", actions.objectif_ajouter, name="objectif_ajouter"),
    path(
        "<int:pk>/objectifs/<int:objectif_pk>/modifier/",
        actions.objectif_modifier_vue,
        name="objectif_modifier",
    ),
    path("<int:pk>/actions/catalogue/", actions.action_choisir_offre, name="action_choisir_offre"),
    path("<int:pk>/actions/ajouter/", actions.action_ajouter, name="action_ajouter"),
    path(
        "<int:pk>/actions/<int:action_pk>/modifier/",
        actions.action_modifier_vue,
        name="action_modifier",
    ),
    path("collectives/", actions.collectives_liste, name="collectives"),
    path("collectives/nouvelle/", actions.collective_creer, name="collective_creer"),
    path("collectives/<int:collective_pk>/", actions.collective_detail, name="collective_detail"),
    path(
        "collectives/<int:collective_pk>/participants/",
        actions.collective_inscrire,
        name="collective_inscrire",
    ),
]

# URLs of the journal pages (included by parcours/urls.py, in the `parcours` namespace).
journal_urls = [
    path("a-risque/", journal.a_risque, name="a_risque"),
    path("<int:pk>/notes/nouvelle/", journal.note_ajouter_vue, name="note_ajouter"),
    path(
        "<int:pk>/notes/<int:note_pk>/modifier/",
        journal.note_modifier_vue,
        name="note_modifier",
    ),
    path(
        "<int:pk>/notes/<int:note_pk>/addendum/",
        journal.note_addendum_vue,
        name="note_addendum",
    ),
    path(
        "<int:pk>/information-preoccupante/",
        journal.information_preoccupante_vue,
        name="information_preoccupante",
    ),
    path("<int:pk>/ruptures/nouvelle/", journal.rupture_ajouter_vue, name="rupture_ajouter"),
    path(
        "<int:pk>/ruptures/<int:rupture_pk>/reponse/",
        journal.rupture_reponse_vue,
        name="rupture_reponse",
    ),
    path("<int:pk>/documents/nouveau/", journal.document_ajouter_vue, name="document_ajouter"),
    path(
        "<int:pk>/documents/<int:document_pk>/fichier/",
        journal.document_fichier,
        name="document_fichier",
    ),
    path(
        "<int:pk>/documents/<int:document_pk>/archiver/",
        journal.document_archiver_vue,
        name="document_archiver",
    ),
]

# URLs of the data-protection lifecycle (included by parcours/urls.py, `parcours` namespace).
protection_urls = [
    path(
        "<int:pk>/droit-acces/export.pdf",
        protection.droit_acces_pdf,
        name="droit_acces_pdf",
    ),
    path(
        "<int:pk>/droit-acces/export.json",
        protection.droit_acces_json,
        name="droit_acces_json",
    ),
    path(
        "<int:pk>/historique-modifications/",
        protection.historique_modifications,
        name="historique_modifications",
    ),
]

# URLs of the statistics and exports (included by parcours/urls.py under `statistiques/`).
statistiques_urls = [
    path("", statistiques.statistiques, name="statistiques"),
    path(
        "enquete.csv", statistiques.enquete_export, {"format": "csv"}, name="statistiques_enquete"
    ),
    path(
        "enquete.xlsx",
        statistiques.enquete_export,
        {"format": "xlsx"},
        name="statistiques_enquete_xlsx",
    ),
    # The pathway list's exports go through the core's list exports (exports flow).
    path("parcours.csv", exporter, {"genre": "parcours", "format": "csv"}, name="parcours_export"),
    path(
        "parcours.xlsx",
        exporter,
        {"genre": "parcours", "format": "xlsx"},
        name="parcours_export_xlsx",
    ),
]

# URLs of the exports flow (included by parcours/urls.py, in the `parcours` namespace).
exports_urls = [
    path("actions/", exports.actions_liste, name="actions"),
    path(
        "actions/export.csv",
        exporter,
        {"genre": "actions", "format": "csv"},
        name="actions_export",
    ),
    path(
        "actions/export.xlsx",
        exporter,
        {"genre": "actions", "format": "xlsx"},
        name="actions_export_xlsx",
    ),
    path("<int:pk>/fiche.pdf", exports.fiche_pdf, name="fiche_pdf"),
]

# Other schemes, the family's words and the exit questionnaire (issue 21).
dispositifs_urls = [
    path(
        "<int:pk>/dispositifs/nouveau/",
        dispositifs.dispositif_ajouter_vue,
        name="dispositif_ajouter",
    ),
    path(
        "<int:pk>/dispositifs/<int:dispositif_pk>/modifier/",
        dispositifs.dispositif_modifier_vue,
        name="dispositif_modifier",
    ),
    path(
        "<int:pk>/dispositifs/<int:dispositif_pk>/terminer/",
        dispositifs.dispositif_terminer_vue,
        name="dispositif_terminer",
    ),
    path(
        "<int:pk>/objectifs/<int:objectif_pk>/paroles/nouvelle/",
        dispositifs.parole_ajouter_vue,
        name="parole_ajouter",
    ),
    path(
        "<int:pk>/questionnaire-de-sortie/",
        dispositifs.questionnaire_sortie_vue,
        name="questionnaire_sortie",
    ),
]

# Requests to partners and the obstacles report (issue 21).
sollicitations_urls = [
    # The partner's inbox and answer.
    path("sollicitations/", sollicitations.sollicitations_recues, name="sollicitations_recues"),
    path(
        "sollicitations/<int:sollicitation_pk>/",
        sollicitations.sollicitation_recue,
        name="sollicitation_recue",
    ),
    # The pathway's team.
    path(
        "<int:pk>/sollicitations/",
        sollicitations.sollicitations_parcours,
        name="sollicitations_parcours",
    ),
    path(
        "<int:pk>/sollicitations/nouvelle/",
        sollicitations.sollicitation_creer_vue,
        name="sollicitation_creer",
    ),
    path(
        "<int:pk>/sollicitations/<int:sollicitation_pk>/",
        sollicitations.sollicitation_equipe,
        name="sollicitation_equipe",
    ),
    path(
        "<int:pk>/sollicitations/<int:sollicitation_pk>/retirer/",
        sollicitations.sollicitation_retirer_vue,
        name="sollicitation_retirer",
    ),
    path(
        "<int:pk>/sollicitations/<int:sollicitation_pk>/action/",
        sollicitations.sollicitation_en_action_vue,
        name="sollicitation_en_action",
    ),
    path(
        "<int:pk>/sollicitations/<int:sollicitation_pk>/reorienter/",
        sollicitations.sollicitation_reorienter_vue,
        name="sollicitation_reorienter",
    ),
    # The obstacles report (steering and coordination).
    path("statistiques/obstacles/", sollicitations.obstacles, name="obstacles"),
    # The funders' evidence packs (programme, structure and year in the query string).
    path("statistiques/preuves/", preuves.preuves_liste, name="preuves"),
    path("statistiques/preuves/dossier/", preuves.preuves_dossier, name="preuves_dossier"),
    path(
        "statistiques/obstacles.csv",
        sollicitations.obstacles_export,
        {"format": "csv"},
        name="obstacles_csv",
    ),
    path(
        "statistiques/obstacles.xlsx",
        sollicitations.obstacles_export,
        {"format": "xlsx"},
        name="obstacles_xlsx",
    ),
]

# The register of the families' rights requests (issue 19): the `droits` namespace, under
# /programmes/ (reussite/urls.py).
droits_urls = [
    path("<int:programme_pk>/demandes-droits/", droits.registre, name="registre"),
    path("<int:programme_pk>/demandes-droits/nouvelle/", droits.creer, name="creer"),
    path("<int:programme_pk>/demandes-droits/<int:pk>/", droits.demande, name="demande"),
    path(
        "<int:programme_pk>/demandes-droits/<int:pk>/dossier.pdf",
        droits.dossier_pdf,
        name="dossier_pdf",
    ),
    path(
        "<int:programme_pk>/demandes-droits/export.csv",
        droits.registre_export,
        {"format_": "csv"},
        name="export_csv",
    ),
    path(
        "<int:programme_pk>/demandes-droits/export.xlsx",
        droits.registre_export,
        {"format_": "xlsx"},
        name="export_xlsx",
    ),
]

# URLs of the family pages (included by parcours/urls.py, in the `parcours` namespace).
familles_urls = [
    path("familles/<int:famille_pk>/", familles.famille_detail_vue, name="famille_detail"),
    path(
        "familles/<int:famille_pk>/enfant/",
        familles.famille_ajouter_enfant_vue,
        name="famille_ajouter_enfant",
    ),
]

# URLs of the conventions pages (included by parcours/urls_reseau.py, in the `partenaires`
# namespace, under /partenaires/conventions/).
conventions_urls = [
    path("", conventions.convention_liste, name="convention_liste"),
    path("nouvelle/", conventions.convention_creer, name="convention_creer"),
    path("<int:pk>/", conventions.convention_detail, name="convention_detail"),
    path("<int:pk>/modifier/", conventions.convention_modifier, name="convention_modifier"),
    path(
        "<int:pk>/parties/", conventions.convention_partie_ajouter, name="convention_partie_ajouter"
    ),
    path(
        "<int:pk>/parties/<int:partie_pk>/signataire/",
        conventions.convention_partie_modifier,
        name="convention_partie_modifier",
    ),
    path(
        "<int:pk>/parties/<int:partie_pk>/retirer/",
        conventions.convention_partie_retirer,
        name="convention_partie_retirer",
    ),
    path(
        "<int:pk>/parties/<int:partie_pk>/engagements/",
        conventions.convention_engagement_ajouter,
        name="convention_engagement_ajouter",
    ),
    path(
        "<int:pk>/engagements/<int:engagement_pk>/retirer/",
        conventions.convention_engagement_retirer,
        name="convention_engagement_retirer",
    ),
    path("<int:pk>/document/", conventions.convention_document, name="convention_document"),
    path(
        "<int:pk>/document/deposer/",
        conventions.convention_document_deposer,
        name="convention_document_deposer",
    ),
    path("<int:pk>/signer/", conventions.convention_signer, name="convention_signer"),
    path(
        "<int:pk>/en-vigueur/",
        conventions.convention_mettre_en_vigueur,
        name="convention_en_vigueur",
    ),
    path("<int:pk>/expirer/", conventions.convention_expirer, name="convention_expirer"),
    path("<int:pk>/resilier/", conventions.convention_resilier, name="convention_resilier"),
    path("<int:pk>/renouveler/", conventions.convention_renouveler, name="convention_renouveler"),
]

urlpatterns = [
    path("", pages.parcours_liste, name="liste"),
    path("mes-suivis/", partage.mes_suivis, name="mes_suivis"),
    path("nouveau/", pages.parcours_creer, name="creer"),
    path("charte/", partage.charte_vue, name="charte"),
    path("passation/", partage.passation_vue, name="passation"),
    path("eps/", include(eps_urls)),
    path("orientations/", include(orientations_urls)),
    path("import/", imports.import_page, name="import"),
    path("import/modele/", imports.import_modele, name="import_modele"),
    path(
        "import/modele/xlsx/",
        imports.import_modele,
        {"format_": "xlsx"},
        name="import_modele_xlsx",
    ),
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
    path("mutualisation/", include(mutualisation_urls)),
    path("", include(actions_urls)),
    path("", include(journal_urls)),
    path("", include(dispositifs_urls)),
    path("", include(protection_urls)),
    path("", include(sollicitations_urls)),
    path("statistiques/", include(statistiques_urls)),
    path("", include(exports_urls)),
    path("", include(familles_urls)),
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

# The `partenaires` namespace (see the module's docstring).
reseau_urls = [
    *partenaires_urls.urlpatterns,
    path("offres/", reseau.catalogue, name="offres"),
    path("offres/<int:offre_pk>/", reseau.offre_detail, name="offre"),
    path("conventions/", include(conventions_urls)),
]

RESEAU_NAMESPACE = partenaires_urls.app_name
