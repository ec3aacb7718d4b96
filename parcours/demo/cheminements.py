"""The demo's pathways: each child's status path, its dated history, its consents and the
structures they name, its referral, and the review dates."""

from datetime import date, timedelta

from django.core.management.base import CommandError
from django.db.models import DateTimeField, ExpressionWrapper, F

from parcours.demo.base import (
    HEURE_DES_CONSENTEMENTS,
    PlanEnfant,
    anniversaire,
    enregistrement_du_consentement,
    expiration_du_consentement,
)
from parcours.demo.parametres import (
    ANCIENNETE,
    COMMENTAIRES_SORTIE,
    COMMENTAIRES_SUSPENSION,
    DELAIS,
    LIGNEE,
    MATERNELLE,
    MOTIFS_ELEVE,
    MOTIFS_PETITS,
    ORIENTEURS,
    PARCOURS_DU_REFERENT_DEMO,
    PROFILS,
    RETOUR_APRES_SUSPENSION,
    REVUES_DEPASSEES,
    SANS_REFERENT,
    SORTIES,
    STATUTS_OUVERTS,
    STRUCTURE_ORIENTEUR,
)
from parcours.models import (
    ChangementStatut,
    Consentement,
    Enfant,
    Finalite,
    MotifOrientation,
    MotifSortie,
    NiveauScolaire,
    Orienteur,
    Parcours,
    Statut,
)
from partenaires.models import Structure, TypeStructure


class CheminementsMixin:
    """Steps of `Generateur` (parcours/demo/generateur.py)."""

    def _planifier(self, enfants: list[PlanEnfant]):
        """Give each child a status, an exit reason and a status path; then a référent."""
        plans = [(statut, "", statut) for statut, n in STATUTS_OUVERTS.items() for _ in range(n)]
        plans += [(Statut.SORTI, motif, avant) for motif, avant, n in SORTIES for _ in range(n)]
        assert len(plans) == len(enfants)
        self.rng.shuffle(plans)
        # Exits for the age limit go to children who have turned 16.
        seize_ans = [j for j, plan in enumerate(enfants) if plan.age == 16]
        for i, (_statut, motif, _avant) in enumerate(plans):
            if motif == MotifSortie.LIMITE_AGE and enfants[i].age < 16:
                j = next((j for j in seize_ans if plans[j][1] != MotifSortie.LIMITE_AGE), None)
                if j is None:
                    raise CommandError("Pas assez d’enfants de 16 ans pour les sorties par âge.")
                plans[i], plans[j] = plans[j], plans[i]
        for plan, (statut, motif, avant) in zip(enfants, plans, strict=True):
            plan.statut, plan.motif_sortie = statut, motif
            if avant == Statut.SUSPENDU:
                plan.chemin = [*LIGNEE, Statut.SUSPENDU]
            else:
                plan.chemin = LIGNEE[: LIGNEE.index(avant) + 1]
                # Some pathways went through a suspension and resumed.
                if avant == Statut.EN_COURS and self.rng.random() < 0.12:
                    plan.chemin += [Statut.SUSPENDU, Statut.EN_COURS]

        ouverts = [p for p in enfants if p.statut != Statut.SORTI]
        sans_referent = {
            id(p)
            for statut, n in SANS_REFERENT.items()
            for p in [q for q in ouverts if q.statut == statut][:n]
        }
        a_referer = [p for p in ouverts if id(p) not in sans_referent]
        # The partner's pathways: under way, so with a consent valid today (see _consentements).
        pour_partenaire = [p for p in a_referer if p.statut == Statut.EN_COURS][:2]
        for plan in pour_partenaire:
            plan.referent = self.partenaire_demo
        self.plans_du_partenaire = {id(p) for p in pour_partenaire}
        reste = [p for p in a_referer if p.referent is None]
        for plan in self.rng.sample(reste, PARCOURS_DU_REFERENT_DEMO):
            plan.referent = self.referent_demo
        sortis = [p for p in enfants if p.statut == Statut.SORTI]
        for plan in [p for p in sortis if p.chemin != [Statut.REPERAGE]][:3]:
            plan.referent = self.referent_demo
        # A child who left during identification may never have had a référent.
        for plan in a_referer + [p for p in sortis if p.chemin != [Statut.REPERAGE]]:
            if plan.referent is None:
                plan.referent = self.rng.choice(self.autres_referents)

    def _parcours(self, enfants: list[PlanEnfant]):
        parcours, historiques, consentements, signatures = [], [], [], []
        dates_parcours, dates_historique = [], []
        for plan in enfants:
            p, historique, plan_consentements, derniere_activite = self._un_parcours(plan)
            parcours.append(p)
            dates_parcours.append((historique[0][1], derniere_activite))
            historiques.append(historique)
            consentements.append(plan_consentements)
        self._revues(enfants, parcours)
        Parcours.objects.bulk_create(parcours)

        lignes_historique, lignes_consentement = [], []
        for p, historique, plan_consentements in zip(
            parcours, historiques, consentements, strict=True
        ):
            for changement, moment in historique:
                changement.parcours = p
                lignes_historique.append(changement)
                dates_historique.append(moment)
            for consentement, signataires in plan_consentements:
                consentement.parcours = p
                lignes_consentement.append(consentement)
                signatures.append(signataires)
        ChangementStatut.objects.bulk_create(lignes_historique)
        Consentement.objects.bulk_create(lignes_consentement)
        Signataire = Consentement.signataires.through
        Signataire.objects.bulk_create(
            Signataire(consentement_id=consentement.pk, responsablelegal_id=responsable.pk)
            for consentement, signataires in zip(lignes_consentement, signatures, strict=True)
            for responsable in signataires
        )
        self.nombre_consentements = len(lignes_consentement)
        self.parcours_du_partenaire = {
            p.pk
            for plan, p in zip(enfants, parcours, strict=True)
            if id(plan) in self.plans_du_partenaire
        }
        self._structures_des_consentements(parcours, lignes_consentement)

        # bulk_create stamps auto_now_add fields with "now"; bulk_update writes the real past.
        for p, (cree_le, derniere_activite) in zip(parcours, dates_parcours, strict=True):
            p.cree_le, p.derniere_activite = cree_le, derniere_activite
        Parcours.objects.bulk_update(parcours, ["cree_le", "derniere_activite"])
        for changement, moment in zip(lignes_historique, dates_historique, strict=True):
            changement.le = moment
        ChangementStatut.objects.bulk_update(lignes_historique, ["le"], batch_size=500)
        Consentement.objects.filter(parcours__programme=self.programme).update(
            cree_le=ExpressionWrapper(
                F("date_signature") + HEURE_DES_CONSENTEMENTS, output_field=DateTimeField()
            )
        )

    def _structures_des_consentements(self, parcours, consentements):
        """Each consent names the structures the family accepts to share with: the child's
        school, one to three other partners, and the partner login's structure for the pathways
        that login follows (so that it sees them)."""
        par_parcours = {p.pk: p for p in parcours}
        autres = [
            s
            for s in self.structures.values()
            if s.type not in (TypeStructure.PORTEUSE, TypeStructure.ECOLE)
        ]
        Partage = Consentement.structures.through
        lignes = []
        for consentement in consentements:
            p = par_parcours[consentement.parcours_id]
            nommees = {s.pk for s in self.rng.sample(autres, self.rng.randint(1, 3))}
            if p.enfant.etablissement_id:
                nommees.add(p.enfant.etablissement_id)
            if p.pk in self.parcours_du_partenaire:
                nommees.add(self.partenaire_demo.structure_id)
            lignes += [Partage(consentement_id=consentement.pk, structure_id=pk) for pk in nommees]
        Partage.objects.bulk_create(lignes)

    def _un_parcours(self, plan: PlanEnfant):
        enfant = plan.enfant
        deux_ans = anniversaire(enfant.date_naissance, 2)
        # Dates: entry, exit, then each status of the path in between.
        if plan.statut == Statut.SORTI:
            if plan.motif_sortie == MotifSortie.LIMITE_AGE:
                seize_ans = anniversaire(enfant.date_naissance, 16)
                sortie = seize_ans + self._jours((0, (self.aujourdhui - seize_ans).days))
                duree = (240, 600)
            else:
                sortie = self.aujourdhui - self._jours((5, 500))
                duree = {
                    MotifSortie.OBJECTIFS_ATTEINTS: (330, 600),
                    MotifSortie.REFUS_FAMILLE: (10, 120),
                }.get(plan.motif_sortie, (30, 400))
            sortie = max(sortie, deux_ans + timedelta(days=1))
            entree = max(sortie - self._jours(duree), deux_ans)
            fin = sortie
        else:
            # Open pathways' history stops yesterday: today's office hours may not have come yet.
            hier = self.aujourdhui - timedelta(days=1)
            entree = max(hier - self._jours(ANCIENNETE[plan.statut]), deux_ans)
            sortie, fin = None, hier
        jalons = [entree]
        for precedent, statut in zip(plan.chemin, plan.chemin[1:], strict=False):
            retour = precedent == Statut.SUSPENDU
            jalons.append(
                jalons[-1] + self._jours(RETOUR_APRES_SUSPENSION if retour else DELAIS[statut])
            )
        etendue, total = (fin - entree).days, (jalons[-1] - entree).days
        if total > etendue:  # a short pathway: the same steps, closer together
            jalons = [entree + timedelta(days=(j - entree).days * etendue // total) for j in jalons]
        if plan.statut == Statut.SUSPENDU:  # suspended lately, not right after the entry
            jalons[-1] = max(jalons[-2], fin - self._jours((7, 90)))

        auteur_suivi = (plan.referent or self.coordination).user
        historique, moment = [], None
        etapes = list(zip(["", *plan.chemin], plan.chemin, jalons, strict=False))
        if sortie is not None:
            etapes.append((plan.chemin[-1], Statut.SORTI, sortie))
        for ancien, nouveau, jour in etapes:
            moment = self._moment(jour, apres=moment)
            commentaire = self._commentaire(ancien, nouveau, plan.motif_sortie)
            auteur = self.coordination.user if ancien in ("", Statut.REPERAGE) else auteur_suivi
            historique.append(
                (
                    ChangementStatut(
                        ancien_statut=ancien,
                        nouveau_statut=nouveau,
                        auteur=auteur,
                        commentaire=commentaire,
                    ),
                    moment,
                )
            )
        consentements = []
        if Statut.DIAGNOSTIC in plan.chemin:
            couverture = sortie or self.aujourdhui
            consentements = self._consentements(plan, jalons, couverture, auteur_suivi)
        derniere_activite = max(
            [
                moment,
                *(
                    enregistrement_du_consentement(c.date_signature)
                    for c, _signataires in consentements
                ),
            ]
        )
        return (
            Parcours(
                programme=self.programme,
                enfant=enfant,
                statut=plan.statut,
                orienteur=(orienteur := self._orienteur(plan)),
                orienteur_structure=self._structure_orienteur(orienteur, enfant),
                motifs_orientation=self._motifs(enfant),
                profil_accompagnement=(
                    self._choix(PROFILS) if Statut.EN_COURS in plan.chemin else ""
                ),
                referent=plan.referent,
                date_entree=entree,
                date_sortie=sortie,
                motif_sortie=plan.motif_sortie,
                version=len(historique) + len(consentements),
            ),
            historique,
            consentements,
            derniere_activite,
        )

    def _commentaire(self, ancien: str, nouveau: str, motif_sortie: str) -> str:
        if ancien == "":
            return "Création du parcours"
        if nouveau == Statut.EN_ATTENTE_CONSENTEMENT:
            return "Premier rendez-vous avec la famille ; formulaire de consentement remis."
        if nouveau == Statut.DIAGNOSTIC:
            return "Consentement signé par la famille."
        if nouveau == Statut.EN_COURS:
            if ancien == Statut.SUSPENDU:
                return "Reprise de l’accompagnement."
            return "Entrée validée en EPS."
        if nouveau == Statut.SUSPENDU:
            return self.rng.choice(COMMENTAIRES_SUSPENSION)
        return COMMENTAIRES_SORTIE[motif_sortie]

    def _consentements(self, plan, jalons, couverture: date, auteur):
        """The signed consent, then a renewal before each 5 July until `couverture` (the exit,
        or today: an open pathway past "en attente de consentement" has a valid consent)."""
        indice = plan.chemin.index(Statut.DIAGNOSTIC)
        signature = max(jalons[indice] - self._jours((0, 3)), jalons[indice - 1])
        responsables = self.responsables_par_famille[id(plan.famille)]
        consentements = []
        while True:
            expiration = expiration_du_consentement(signature)
            signataires = list(responsables)
            if len(signataires) == 2 and self.rng.random() < 0.3:
                signataires = [self.rng.choice(signataires)]
            consentement = Consentement(
                date_signature=signature,
                date_expiration=expiration,
                finalites=[f.value for f in Finalite],
                enregistre_par=auteur,
            )
            consentements.append((consentement, signataires))
            if expiration > couverture:
                break
            signature = expiration - self._jours((5, 30))
        if plan.motif_sortie == MotifSortie.REFUS_FAMILLE:
            consentement = consentements[-1][0]
            consentement.date_retrait = couverture
            consentement.motif_retrait = "La famille retire son consentement."
        return consentements

    def _orienteur(self, plan: PlanEnfant) -> str:
        if plan.ase:
            return Orienteur.ASE
        poids = dict(ORIENTEURS)
        if plan.enfant.niveau_scolaire == NiveauScolaire.NON_SCOLARISE:
            poids[Orienteur.ECOLE] = 0
        if plan.age > 6:
            poids[Orienteur.PMI] = 0
        return self._choix(poids)

    def _structure_orienteur(self, orienteur: str, enfant: Enfant) -> Structure | None:
        if orienteur == Orienteur.ECOLE:
            return enfant.etablissement
        if orienteur == Orienteur.ASSOCIATION:
            return self.structures[self.rng.choice(["asso_devoirs", "asso_parents"])]
        cle = STRUCTURE_ORIENTEUR.get(orienteur)
        return self.structures[cle] if cle else None

    def _motifs(self, enfant: Enfant) -> list[str]:
        poids = dict(MOTIFS_PETITS if enfant.niveau_scolaire in MATERNELLE else MOTIFS_ELEVE)
        if enfant.niveau_scolaire == NiveauScolaire.NON_SCOLARISE:
            poids[MotifOrientation.RESULTATS_SCOLAIRES] = 0
        motifs = []
        for _ in range(self._choix({1: 45, 2: 40, 3: 15})):
            motif = self._choix(poids)
            poids[motif] = 0
            motifs.append(str(motif))
        return motifs

    def _revues(self, enfants: list[PlanEnfant], parcours: list[Parcours]):
        """A review date on pathways in diagnosis or under way; a few are past due."""
        suivis = [
            (plan, p)
            for plan, p in zip(enfants, parcours, strict=True)
            if plan.statut in (Statut.DIAGNOSTIC, Statut.EN_COURS, Statut.SUSPENDU)
        ]
        for _plan, p in suivis:
            p.date_prochaine_revue = self.aujourdhui + self._jours((7, 120))
        du_referent = [p for plan, p in suivis if plan.referent is self.referent_demo]
        des_autres = [
            p
            for plan, p in suivis
            if plan.referent not in (self.referent_demo, self.partenaire_demo)
        ]
        depassees = self.rng.sample(du_referent, min(3, len(du_referent)))
        depassees += self.rng.sample(des_autres, REVUES_DEPASSEES - len(depassees))
        for p in depassees:
            p.date_prochaine_revue = self.aujourdhui - self._jours((3, 60))
