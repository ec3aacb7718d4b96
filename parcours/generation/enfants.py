# ruff: noqa: S608 - SQL built from constants and integers
"""Children and pathways: families, children, pathways, consents, objectives, actions, notes,
EPS meetings."""

from parcours.generation.parametres import NOMS, PRENOMS


class EnfantsMixin:
    """Steps of `Generateur` (parcours/generation/generateur.py)."""

    def _enfants(self) -> None:
        x = self
        serie = "gen_prog g, generate_series(0, g.n - 1) j, LATERAL (SELECT g.debut + j + 1) z(i)"
        self.o["serie"] = serie
        self._executer(
            "familles",
            """
            INSERT INTO parcours_famille (id, adresse, commune, langue_parlee, cree_le, modifie_le,
                programme_id)
            SELECT {famille} + i, i || ' avenue des Lilas', 'Commune ' || g.p, '', now(), now(),
                {programme} + g.p FROM {serie}""",
        )
        self._executer(
            "responsables",
            f"""
            INSERT INTO parcours_responsablelegal (id, nom, prenom, lien, autorite_parentale,
                telephone, email, famille_id)
            SELECT {{responsable}} + i, ({{noms}})[1 + {x.h("i", "nom", len(NOMS))}],
                ({{prenoms}})[1 + {x.h("i", "rp", len(PRENOMS))}], 'mere', true, '', '',
                {{famille}} + i FROM {{serie}}""",
        )
        self._executer(
            "enfants",
            f"""
            INSERT INTO parcours_enfant (id, nom, prenom, date_naissance, sexe, niveau_scolaire,
                classe, quartier, qpv, recherche, cree_le, modifie_le, etablissement_id,
                programme_id, famille_id)
            SELECT {{enfant}} + i, nom, prenom, {{le}} - 2200 - {x.h("i", "dn", 3650)},
                (ARRAY['F','M'])[1 + {x.h("i", "sx", 2)}],
                (ARRAY['gs','cp','ce1','ce2','cm1','cm2','6e','5e','4e','3e'])
                    [1 + {x.h("i", "nv", 10)}], '',
                'Quartier ' || {x.h("i", "q", 5)}, {x.h("i", "qpv", 3)} > 0,
                lower(nom || ' ' || prenom), now(), now(),
                {{structure}} + (g.p - 1) * {{S}} + 2, {{programme}} + g.p, {{famille}} + i
            FROM {{serie}}, LATERAL (SELECT ({{noms}})[1 + {x.h("i", "nom", len(NOMS))}],
                ({{prenoms}})[1 + {x.h("i", "pr", len(PRENOMS))}]) n(nom, prenom)""",
        )
        # statut from a 0..99 draw: <30 sorti, <35 repérage, <40 attente, <50 diagnostic,
        # <95 en cours, else suspendu.
        self._executer(
            "parcours",
            f"""
            INSERT INTO parcours_parcours (id, statut, orienteur, motifs_orientation,
                profil_accompagnement, date_entree, date_sortie, motif_sortie,
                date_prochaine_revue, version, derniere_activite, cree_le, modifie_le, enfant_id,
                programme_id, referent_id)
            SELECT {{parcours}} + i, st, (ARRAY['ecole','pmi','service_social','famille'])
                [1 + {x.h("i", "or", 4)}], ARRAY['resultats_scolaires'], 'soutenu', entree,
                CASE WHEN st = 'sorti' THEN entree + {x.h("i", "so", 1000)} % greatest(1, {{le}} - entree) END,
                CASE WHEN st = 'sorti' THEN 'objectifs_atteints' ELSE '' END,
                CASE WHEN st NOT IN ('sorti', 'reperage') THEN {{le}} - 30 + {x.h("i", "rv", 150)} END,
                1, ({{le}} - {x.h("i", "act", 120)})::timestamp + interval '10 hours',
                entree::timestamp, now(), {{enfant}} + i, {{programme}} + g.p,
                CASE WHEN st = 'reperage' AND j % 2 = 0 THEN NULL
                     ELSE {{professionnel}} + (g.p - 1) * {{K}} + 2 + j % 9 END
            FROM {{serie}}, LATERAL (SELECT {{le}} - {x.h("i", "en", 1095)},
                CASE WHEN d < 30 THEN 'sorti' WHEN d < 35 THEN 'reperage'
                WHEN d < 40 THEN 'attente_consentement' WHEN d < 50 THEN 'diagnostic'
                WHEN d < 95 THEN 'en_cours' ELSE 'suspendu' END
                FROM (SELECT {x.h("i", "st", 100)} AS d) dd) s(entree, st)""",
        )
        self._executer(
            "changements de statut",
            """
            INSERT INTO parcours_changementstatut (ancien_statut, nouveau_statut, le, commentaire,
                parcours_id)
            SELECT '', statut, cree_le, '', id FROM parcours_parcours
            WHERE id > {parcours} ORDER BY id""",
        )

    def _suivi(self) -> None:
        x = self
        self._executer(
            "consentements",
            f"""
            INSERT INTO parcours_consentement (id, date_signature, date_expiration, date_retrait,
                motif_retrait, cree_le, parcours_id, fichier, finalites, enregistre_par_id)
            SELECT {{consentement}} + i, sig, sig + 365,
                CASE WHEN {x.h("i", "ret", 29)} = 0 THEN least(sig + 60, {{le}}) END,
                '', now(), pp.id, '',
                CASE WHEN {x.h("i", "fin", 10)} = 0 THEN ARRAY['accompagnement']
                ELSE ARRAY['accompagnement', 'partage', 'eps'] END,
                {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}} + 1
            FROM parcours_parcours pp CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
                CROSS JOIN LATERAL (SELECT least(pp.date_entree + 7, {{le}})) s(sig)
            WHERE pp.id > {{parcours}}
                AND pp.statut NOT IN ('reperage', 'attente_consentement')
            ORDER BY pp.id""",
        )
        self._executer(
            "signataires",
            """
            INSERT INTO parcours_consentement_signataires (consentement_id, responsablelegal_id)
            SELECT c.id, {responsable} + (c.parcours_id - {parcours})
            FROM parcours_consentement c WHERE c.id > {consentement} ORDER BY c.id""",
        )
        # j1, j2: partners 11..40 of the pathway's programme; the second for one in three.
        self._executer(
            "intervenants",
            f"""
            INSERT INTO parcours_intervenant (id, depuis, actif, parcours_id, professionnel_id)
            SELECT {{intervenant}} + 2 * i - 2 + t, least(pp.date_entree + 10, {{le}}),
                {x.h("i*2+t", "ia", 11)} > 0, pp.id,
                {{professionnel}} + (p - 1) * {{K}} + 11 + CASE WHEN t = 1 THEN j1
                    ELSE (j1 + 1 + {x.h("i", "j2", 29)}) % 30 END
            FROM parcours_parcours pp
                CROSS JOIN LATERAL (SELECT pp.id - {{parcours}},
                    pp.programme_id - {{programme}}) z(i, p)
                CROSS JOIN LATERAL (SELECT {x.h("pp.id - " + str(self.o["parcours"]), "j1", 30)}) jj(j1)
                CROSS JOIN generate_series(1, 2) t
            WHERE pp.id > {{parcours}} AND pp.statut <> 'reperage'
                AND (t = 1 OR {x.h("i", "deux", 3)} = 0)
            ORDER BY 1""",
        )
        self._executer(
            "structures des consentements",
            f"""
            INSERT INTO parcours_consentement_structures (consentement_id, structure_id)
            SELECT DISTINCT c.id, pr.structure_id FROM parcours_consentement c
            JOIN parcours_intervenant iv ON iv.parcours_id = c.parcours_id
            JOIN partenaires_professionnel pr ON pr.id = iv.professionnel_id
            WHERE c.id > {{consentement}} AND {x.h("iv.id", "cs", 7)} > 0 ORDER BY 1, 2""",
        )
        self._executer(
            "objectifs",
            f"""
            INSERT INTO parcours_objectif (id, domaine, intitule, statut, commentaire_resultat,
                date_ouverture, date_cloture, version, cree_le, modifie_le, parcours_id, cree_par_id)
            SELECT {{objectif}} + 2 * i - 2 + t,
                (ARRAY['scolarite','langage','sante','parentalite','sport'])[1 + {x.h("i*2+t", "od", 5)}],
                (ARRAY['Retrouver confiance en classe','Apprendre a lire','Consulter un orthophoniste',
                'Soutenir les parents','Pratiquer un sport'])[1 + {x.h("i*2+t", "od", 5)}],
                CASE WHEN pp.statut = 'sorti' THEN 'atteint' ELSE 'ouvert' END, '',
                pp.date_entree, CASE WHEN pp.statut = 'sorti' THEN pp.date_sortie END, 1, now(), now(),
                pp.id, {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}} + 1
            FROM parcours_parcours pp CROSS JOIN generate_series(1, 2) t
                CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
            WHERE pp.id > {{parcours}} AND pp.statut <> 'reperage'""",
        )
        # Three actions: k=1 done, k=2 under way (or done when exited), k=3 planned without a
        # professional. The professional is the first intervenant.
        self._executer(
            "actions",
            f"""
            INSERT INTO parcours_action (id, intitule, date_debut, date_fin, statut, resultat, cout,
                heures, version, cree_le, modifie_le, parcours_id, professionnel_id, structure_id,
                offre_id, objectif_id, cree_par_id)
            SELECT {{action}} + 3 * i - 3 + k,
                (ARRAY['Aide aux devoirs','Seances orthophonie','Atelier theatre','Judo',
                'Entretien famille'])[1 + {x.h("i*3+k", "ai", 5)}],
                debut, debut + 60,
                CASE WHEN pp.statut = 'sorti' OR k = 1 THEN 'realisee'
                     WHEN k = 2 THEN 'en_cours' ELSE 'prevue' END,
                CASE WHEN pp.statut = 'sorti' OR k = 1 THEN 'Fait' ELSE '' END,
                CASE WHEN k = 1 THEN 120.00 END, CASE WHEN k = 2 THEN 10.0 END, 1, now(), now(),
                pp.id, CASE WHEN k < 3 THEN iv.professionnel_id END,
                CASE WHEN k < 3 THEN pr.structure_id END,
                CASE WHEN k < 3 THEN {{offre}} + (pr.structure_id - {{structure}} - 1) * 2 + 1 END,
                {{objectif}} + 2 * i - 2 + 1 + k % 2, {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}} + 1
            FROM parcours_parcours pp
                CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
                JOIN parcours_intervenant iv ON iv.id = {{intervenant}} + 2 * i - 1
                JOIN partenaires_professionnel pr ON pr.id = iv.professionnel_id
                CROSS JOIN generate_series(1, 3) k
                CROSS JOIN LATERAL (SELECT least(pp.date_entree + 30 * (k - 1), {{le}})) d(debut)
            WHERE pp.id > {{parcours}} AND pp.statut <> 'reperage' ORDER BY 1""",
        )
        self._executer(
            "notes",
            f"""
            INSERT INTO parcours_note (id, visibilite, texte, version, cree_le, modifie_le,
                auteur_id, parcours_id)
            SELECT {{note}} + 5 * i - 5 + k,
                CASE WHEN k = 5 THEN 'referent' WHEN k = 2 AND {x.h("i", "vis", 5)} = 0 THEN 'auteur'
                ELSE 'equipe' END,
                (ARRAY['Point avec la famille','Echange avec l''ecole','Bilan de l''atelier',
                'Rendez-vous annule','Progres constates'])[k], 1,
                (least(pp.date_entree + 20 * k, {{le}}))::timestamp + interval '9 hours', now(),
                CASE WHEN k = 4 AND iv.id IS NOT NULL THEN ivp.user_id
                     WHEN pp.referent_id IS NOT NULL THEN rp.user_id
                     ELSE {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}} + 1 END,
                pp.id
            FROM parcours_parcours pp
                CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
                LEFT JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
                LEFT JOIN parcours_intervenant iv ON iv.id = {{intervenant}} + 2 * i - 1
                LEFT JOIN partenaires_professionnel ivp ON ivp.id = iv.professionnel_id
                CROSS JOIN generate_series(1, 5) k
            WHERE pp.id > {{parcours}} ORDER BY 1""",
        )

    def _eps(self) -> None:
        x = self
        self._executer(
            "réunions EPS",
            """
            INSERT INTO parcours_reunioneps (id, date, lieu, statut, version, cree_le, programme_id)
            SELECT {reunion} + (p - 1) * {R} + m,
                ({le} + (6 - m) * 30)::timestamp + interval '14 hours', 'Salle du conseil',
                CASE WHEN m <= 6 THEN 'planifiee' ELSE 'tenue' END, 1, now(), {programme} + p
            FROM gen_prog, generate_series(1, {R}) m""",
        )
        self._executer(
            "invitations EPS",
            """
            INSERT INTO parcours_invitationeps (present, professionnel_id, reunion_id)
            SELECT CASE WHEN m > 6 THEN t <> 4 END,
                {professionnel} + (p - 1) * {K} + CASE WHEN t = 1 THEN 1 WHEN t = 2 THEN 2
                    ELSE 11 + (m * 3 + t) % 30 END,
                {reunion} + (p - 1) * {R} + m
            FROM gen_prog, generate_series(1, {R}) m, generate_series(1, 5) t
            ORDER BY 3, 2""",
        )
        self._executer(
            "examens",
            f"""
            INSERT INTO parcours_examen (ordre, decision, releve_conclusions, date_prochaine_revue,
                decide_le, version, parcours_id, reunion_id, decide_par_id)
            SELECT (pp.id % 20), 'maintien', 'Poursuite du parcours', NULL, r.date, 1, pp.id, r.id,
                {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}} + 1
            FROM parcours_parcours pp
                JOIN parcours_reunioneps r ON r.id = {{reunion}}
                    + (pp.programme_id - {{programme}} - 1) * {{R}} + 7 + {x.h("pp.id", "ex", 30)}
            WHERE pp.id > {{parcours}} AND pp.statut <> 'reperage' ORDER BY pp.id""",
        )
