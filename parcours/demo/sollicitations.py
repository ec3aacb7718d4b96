"""Demo data of the requests to partners (issue 21): a believable year of requests in every
state, so that the partner's inbox, the pathway's list, the obstacles report and the competence
map show something. Made through the services (sent, answered, withdrawn, turned into an action),
then dated back over the year: the services stamp « now »."""

from datetime import timedelta

from partenaires.models import Partenariat, Professionnel, Structure, TypeStructure

from ..models import MotifRefus, Objectif, Sollicitation, Statut, StatutObjectif
from ..services import (
    sollicitation_creer,
    sollicitation_en_action,
    sollicitation_reorienter,
    sollicitation_repondre,
    sollicitation_retirer,
)

DEMANDES = {
    "sante": ("Un bilan orthophonique", "Des difficultés de langage repérées en classe"),
    "bien_etre": ("Un premier rendez-vous au CMP", "Une anxiété qui gêne la scolarité"),
    "scolarite": ("Une place à l’aide aux devoirs", "Des devoirs rarement faits à la maison"),
    "sport": ("Une licence au club avec tarif réduit", "Besoin de se dépenser et d’un cadre"),
    "culture": ("Un atelier de pratique artistique", "Pour reprendre confiance"),
    "parentalite": ("Un groupe de parole pour les parents", "Des parents isolés"),
    "langage": ("Des séances de langage en petit groupe", "Un vocabulaire limité"),
    "socialisation": ("Un accueil de loisirs le mercredi", "Un enfant très isolé"),
}

# (answer, extra fields) in the proportions a PRE reports: many waits and refusals from health.
ISSUES = [
    ("acceptee", {}),
    ("acceptee", {}),
    ("acceptee", {}),
    ("attente", {"delai_semaines": 8}),
    ("attente", {"delai_semaines": 16}),
    ("refusee", {"motif_refus": MotifRefus.CAPACITE}),
    ("refusee", {"motif_refus": MotifRefus.MISSION}),
    ("refusee", {"motif_refus": MotifRefus.CONDITIONS}),
    ("refusee", {"motif_refus": MotifRefus.FAMILLE}),
    ("refusee", {"motif_refus": MotifRefus.AUTRE, "commentaire_reponse": "Dossier incomplet"}),
    ("redirigee", {}),
    ("envoyee", {}),
    ("envoyee", {}),
    ("retiree", {}),
]


def _repondant(sollicitation, membres):
    if sollicitation.professionnel_id is not None:
        return sollicitation.professionnel.user
    return membres[sollicitation.structure_id][0].user


def generer_sollicitations(*, programme, coordinateur, partenaire, rng, aujourdhui) -> int:
    """`partenaire`: the demo partner, who receives a few (one for a child it follows, others
    pseudonymised) so that their login shows « Sollicitations reçues »."""
    porteuses = Partenariat.objects.filter(programme=programme, est_porteuse=True)
    structures = list(
        Structure.objects.filter(programmes=programme)
        .exclude(pk__in=porteuses.values("structure_id"))
        .exclude(type=TypeStructure.ECOLE)
        .order_by("pk")
    )
    membres: dict[int, list] = {}
    for pro in Professionnel.objects.filter(structure__in=structures, actif=True).select_related(
        "user", "structure"
    ):
        membres.setdefault(pro.structure_id, []).append(pro)
    structures = [s for s in structures if s.pk in membres]
    if not structures:
        return 0
    objectifs = list(
        Objectif.objects.filter(parcours__programme=programme, statut=StatutObjectif.OUVERT)
        .exclude(parcours__statut=Statut.SORTI)
        .select_related("parcours")
        .order_by("pk")[:60]
    )
    suivis_par_partenaire = [o for o in objectifs if o.parcours.referent_id == partenaire.pk]
    nombre = 0
    for rang, objectif in enumerate(objectifs[:42]):
        issue, donnees = ISSUES[rang % len(ISSUES)]
        if rang < 3 and partenaire.structure_id in membres:
            # The demo partner's inbox: one child it follows, two it does not see.
            if rang == 0 and suivis_par_partenaire:
                objectif = suivis_par_partenaire[0]
            structure, pro = partenaire.structure, partenaire
            issue, donnees = "envoyee", {}
        else:
            structure = structures[rang % len(structures)]
            pro = rng.choice([None, membres[structure.pk][0]])
        demande, motif = DEMANDES.get(objectif.domaine, DEMANDES["scolarite"])
        s = sollicitation_creer(
            parcours=objectif.parcours,
            objectif=objectif,
            structure=structure,
            professionnel=pro,
            demande=demande,
            motif=motif,
            echeance=aujourdhui + timedelta(days=15),
            auteur=coordinateur,
        )
        if issue == "retiree":
            sollicitation_retirer(sollicitation=s, version=s.version, auteur=coordinateur)
        elif issue != "envoyee":
            if issue == "acceptee":
                donnees = {"date_rdv": aujourdhui + timedelta(days=rng.randint(3, 30))}
            if issue == "redirigee":
                autres = [x for x in structures if x.pk != structure.pk]
                if not autres:
                    continue
                donnees = {"structure_conseillee": autres[rang % len(autres)]}
            s = sollicitation_repondre(
                sollicitation=s,
                donnees={"statut": issue, **donnees},
                version=s.version,
                auteur=_repondant(s, membres),
            )
            if issue == "redirigee":
                # The team sends it on to the suggested structure: a linked new request.
                sollicitation_reorienter(
                    sollicitation=s,
                    version=s.version,
                    auteur=coordinateur,
                    echeance=aujourdhui + timedelta(days=15),
                )
                nombre += 1
            if issue == "acceptee" and rang % 2 == 0:
                sollicitation_en_action(
                    sollicitation=s,
                    version=s.version,
                    auteur=coordinateur,
                    hors_consentement_confirme=True,
                )
        # Dated back over the year: sent 2 to 300 days ago, answered 1 to 60 days later.
        envoyee = s.envoyee_le - timedelta(days=rng.randint(2, 300))
        reponse = envoyee + timedelta(days=rng.randint(1, 60), hours=rng.randint(1, 8))
        maj = {"envoyee_le": envoyee, "echeance": (envoyee + timedelta(days=15)).date()}
        if issue not in ("envoyee", "retiree"):
            maj["repondu_le"] = min(reponse, s.repondu_le)
        elif issue == "retiree":
            maj["retiree_le"] = reponse
        elif rang < 3:
            # The demo partner's: sent three days ago, still within its deadline. The others
            # left unanswered are past theirs: the report counts them.
            maj = {
                "envoyee_le": s.envoyee_le - timedelta(days=3),
                "echeance": aujourdhui + timedelta(days=5 + rang),
            }
        Sollicitation.objects.filter(pk=s.pk).update(**maj)
        nombre += 1
    return nombre
