# ruff: noqa: S608 - SQL built from constants and integers
"""Issue 21 and the rights register, what the new lists show: requests to partners, rights
requests and referrals."""

from django.db import connection

from parcours.generation.parametres import NOMS, PRENOMS


class DemandesMixin:
    """Steps of `Generateur` (parcours/generation/generateur.py)."""

    def _sollicitations(self) -> None:
        """Requests to partners in every state, on 40 % of the pathways' first objective and
        10 % of their second: 12 % unanswered (about half past their deadline), 35 %
        accepted, 15 % on a waiting list, 20 % refused (with a reason), 8 % redirected, 10 %
        withdrawn; a named professional in 60 % of them, answers 1 to 40 days after."""
        x = self
        self._executer(
            "sollicitations",
            f"""
            INSERT INTO parcours_sollicitation (id, domaine, demande, motif, echeance, statut,
                date_rdv, delai_semaines, motif_refus, redirigee_vers, commentaire_reponse,
                repondu_le, retiree_le, version, envoyee_le, cree_le, modifie_le, action_id,
                auteur_id, objectif_id, parcours_id, professionnel_id, programme_id,
                repondu_par_id, structure_id)
            SELECT {{sollicitation}} + 2 * i - 2 + t, o.domaine,
                (ARRAY['Une place a l''atelier du mercredi','Un bilan orthophonique',
                'Un rendez-vous avec la psychologue','Une inscription au club',
                'Un accompagnement aux devoirs'])[1 + {x.h("i * 2 + t", "sdm", 5)}],
                'Besoin repere lors du diagnostic', e.envoi::date + 21, st,
                CASE WHEN st = 'acceptee' THEN e.envoi::date + a.delai + 7 END,
                CASE WHEN st = 'attente' THEN 2 + {x.h("i * 2 + t", "sds", 12)} END,
                CASE WHEN st = 'refusee' THEN (ARRAY['capacite','capacite','mission',
                    'conditions','famille','autre'])[1 + {x.h("i * 2 + t", "smr", 6)}]
                    ELSE '' END,
                CASE WHEN st = 'redirigee' THEN 'Centre medico-psychologique voisin' ELSE '' END,
                CASE WHEN st = 'refusee' AND {x.h("i * 2 + t", "smr", 6)} = 5
                    THEN 'Public hors de notre secteur' ELSE '' END,
                CASE WHEN st NOT IN ('envoyee', 'retiree')
                    THEN e.envoi + a.delai * interval '1 day' END,
                CASE WHEN st = 'retiree' THEN e.envoi + interval '9 days' END,
                1, e.envoi, e.envoi, e.envoi, NULL,
                coalesce(rp.user_id, base_u + 1), o.id, pp.id,
                CASE WHEN a.nomme THEN {{professionnel}} + base_k + a.j END, pp.programme_id,
                CASE WHEN st NOT IN ('envoyee', 'retiree') THEN {{user}} + base_k + a.j END,
                {{structure}} + (pp.programme_id - {{programme}} - 1) * {{S}} + a.k
            FROM parcours_parcours pp
                CROSS JOIN LATERAL (SELECT pp.id - {{parcours}},
                    (pp.programme_id - {{programme}} - 1) * {{K}}) z(i, base_k)
                CROSS JOIN LATERAL (SELECT {{user}} + base_k) zu(base_u)
                CROSS JOIN generate_series(1, 2) t
                JOIN parcours_objectif o ON o.id = {{objectif}} + 2 * i - 2 + t
                LEFT JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
                CROSS JOIN LATERAL (SELECT {x.h("i * 2 + t", "sq", 100)} AS q,
                    {x.h("i * 2 + t", "st", 100)} AS d, 1 + {x.h("i * 2 + t", "sl", 40)} AS delai,
                    2 + {x.h("i * 2 + t", "sk", 9)} AS k,
                    {x.h("i * 2 + t", "sn", 10)} < 6 AS nomme,
                    greatest(pp.date_entree + 10, {{le}} - 365) AS bas) a0
                CROSS JOIN LATERAL (SELECT a0.*, 11 + (k - 2) + 9 * {x.h("i * 2 + t", "sm", 3)}
                    AS j) a
                CROSS JOIN LATERAL (SELECT CASE WHEN a.d < 12 THEN 'envoyee'
                    WHEN a.d < 47 THEN 'acceptee' WHEN a.d < 62 THEN 'attente'
                    WHEN a.d < 82 THEN 'refusee' WHEN a.d < 90 THEN 'redirigee'
                    ELSE 'retiree' END AS st) b
                CROSS JOIN LATERAL (SELECT (CASE WHEN st = 'envoyee'
                    THEN greatest(pp.date_entree, {{le}} - {x.h("i * 2 + t", "sv", 40)})
                    ELSE a.bas + {x.h("i * 2 + t", "sv", 100000)}
                        % (greatest(a.bas, {{le}} - 45) - a.bas + 1) END)::timestamp
                    + interval '10 hours' AS envoi) e
            WHERE pp.id > {{parcours}} AND pp.statut <> 'reperage'
                AND ((t = 1 AND a.q < 40) OR (t = 2 AND a.q < 10))
            ORDER BY 1""",
        )

    def _droits_et_orientations(self) -> None:
        """The rights register (2 requests per programme plus one per 300 pathways, every
        genre and state, a few extended), orientations received (accepted ones for a quarter
        of the pathways opened in the last year; one per 25 pathways still under study,
        awaiting a complement, redirected or refused) with their exchanges, and transfers
        between programmes (one per 100 pathways or so, proposed or refused; none when there
        is one programme)."""
        x = self
        self._executer(
            "demandes de droits",
            f"""
            INSERT INTO parcours_demandedroit (genre, demandeur, canal, recue_le, objet,
                echeance, prolongee, motif_prolongation, statut, reponse, repondue_le, preuve,
                dossier_produit_le, version, cree_le, cree_par_id, parcours_id, programme_id,
                suivie_par_id)
            SELECT genre, 'Responsable legal de l''enfant',
                (ARRAY['courrier','courriel','accueil','telephone'])[1 + {x.h("g.p * 50 + k", "dc", 4)}],
                recue, 'Demande ecrite de la famille', recue + CASE WHEN prol THEN 90 ELSE 30 END,
                prol, CASE WHEN prol THEN 'Plusieurs services a consulter' ELSE '' END, st,
                CASE WHEN st IN ('satisfaite', 'refusee') THEN 'Reponse envoyee par courrier'
                    ELSE '' END,
                CASE WHEN st IN ('satisfaite', 'refusee') THEN recue + 20 END, '',
                CASE WHEN genre = 'acces' AND st = 'satisfaite'
                    THEN (recue + 15)::timestamp END,
                1, recue::timestamp, coord, {{parcours}} + g.debut + 1
                    + {x.h("g.p * 50 + k", "dp", 1000000)} % g.n, {{programme}} + g.p, coord
            FROM gen_prog g CROSS JOIN generate_series(1, 2 + g.n / 300) k
                CROSS JOIN LATERAL (SELECT {{user}} + (g.p - 1) * {{K}} + 1 AS coord,
                    (ARRAY['acces','acces','acces','rectification','effacement','limitation',
                    'opposition'])[1 + {x.h("g.p * 50 + k", "dg", 7)}] AS genre,
                    {{le}} - {x.h("g.p * 50 + k", "dr", 330)} AS recue,
                    {x.h("g.p * 50 + k", "dx", 12)} = 0 AS prol) a
                CROSS JOIN LATERAL (SELECT CASE WHEN recue > {{le}} - 10 THEN 'recue'
                    WHEN recue > {{le}} - 30 THEN 'en_cours'
                    WHEN {x.h("g.p * 50 + k", "ds", 5)} = 0 THEN 'refusee'
                    ELSE 'satisfaite' END AS st) b""",
        )
        orientation = f"""
            INSERT INTO parcours_orientation (id, nom, prenom, date_naissance, sexe,
                niveau_scolaire, commune, contact_nom, contact_prenom, contact_lien,
                contact_telephone, contact_email, motifs, deja_tente, famille_informee,
                famille_accepte_contact, rappel_nom, rappel_telephone, rappel_email, document,
                document_type_mime, statut, recue_le, decidee_le, motif_decision,
                service_reorientation, recherche, version, cree_le, modifie_le, auteur_id,
                etablissement_id, parcours_id, programme_id, structure_id)
            SELECT oid, nom, prenom, naissance, sexe, niveau, 'Commune ' || p,
                contact_nom, contact_prenom, 'mere', '', '',
                ARRAY[(ARRAY['resultats_scolaires','isolement_social','comportement','sante',
                    'parentalite','langage','absenteisme'])[1 + {x.h("oid", "om", 7)}]],
                '', true, true, 'Secretariat', '', '', '', '', st, recue,
                CASE WHEN st NOT IN ('recue', 'en_etude', 'complement')
                    THEN recue + interval '12 days' END,
                CASE WHEN st IN ('refusee', 'reorientee') THEN 'Hors des criteres du programme'
                    ELSE '' END,
                CASE WHEN st = 'reorientee' THEN 'Centre social du quartier' ELSE '' END,
                lower(nom || ' ' || prenom), 1, recue, recue,
                {{user}} + (p - 1) * {{K}} + j, NULL, parcours_id, {{programme}} + p,
                {{structure}} + (p - 1) * {{S}} + 2 + (j - 11) % 9
            FROM ({{source}}) src
                CROSS JOIN LATERAL (SELECT 11 + {x.h("oid", "oj", 30)} AS j) jj"""
        self.o["source"] = self._sql(f"""
            SELECT {{orientation}} + i AS oid, pp.programme_id - {{programme}} AS p,
                e.nom, e.prenom, e.date_naissance AS naissance, e.sexe,
                e.niveau_scolaire AS niveau, r.nom AS contact_nom, r.prenom AS contact_prenom,
                'acceptee' AS st, (pp.date_entree - 10)::timestamp + interval '11 hours' AS recue,
                pp.id AS parcours_id
            FROM parcours_parcours pp CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
                JOIN parcours_enfant e ON e.id = pp.enfant_id
                JOIN parcours_responsablelegal r ON r.id = {{responsable}} + i
            WHERE pp.id > {{parcours}} AND pp.date_entree > {{le}} - 355
                AND {x.h("i", "oa", 4)} = 0""")
        self._executer("orientations acceptées", orientation)
        # Orientations not (or not yet) accepted: ids after the accepted ones.
        with connection.cursor() as c:
            c.execute("SELECT coalesce(max(id), 0) FROM parcours_orientation")
            self.o["orientation_suite"] = c.fetchone()[0]
        self.o["source"] = self._sql(f"""
            SELECT {{orientation_suite}} + row_number() OVER (ORDER BY g.p, k) AS oid, g.p,
                ({{noms}})[1 + {x.h("g.p * 1000 + k", "on", len(NOMS))}] AS nom,
                ({{prenoms}})[1 + {x.h("g.p * 1000 + k", "op", len(PRENOMS))}] AS prenom,
                {{le}} - 2200 - {x.h("g.p * 1000 + k", "ob", 3650)} AS naissance,
                (ARRAY['F','M'])[1 + {x.h("g.p * 1000 + k", "ox", 2)}] AS sexe,
                (ARRAY['cp','ce1','ce2','cm1','cm2','6e','5e'])
                    [1 + {x.h("g.p * 1000 + k", "onv", 7)}] AS niveau,
                ({{noms}})[1 + {x.h("g.p * 1000 + k", "on", len(NOMS))}] AS contact_nom,
                ({{prenoms}})[1 + {x.h("g.p * 1000 + k", "ocp", len(PRENOMS))}]
                    AS contact_prenom,
                (ARRAY['recue','recue','recue','en_etude','en_etude','complement','reorientee',
                    'reorientee','refusee','refusee'])[1 + {x.h("g.p * 1000 + k", "os", 10)}]
                    AS st,
                ({{le}} - {x.h("g.p * 1000 + k", "or", 120)})::timestamp
                    + interval '14 hours' AS recue,
                NULL::bigint AS parcours_id
            FROM gen_prog g CROSS JOIN generate_series(1, 1 + g.n / 25) k""")
        self._executer("orientations à l’étude", orientation)
        self._executer(
            "échanges d’orientation",
            """
            INSERT INTO parcours_echangeorientation (genre, statut, texte, le, auteur_id,
                orientation_id)
            SELECT 'depot', 'recue', '', o.recue_le, o.auteur_id, o.id
            FROM parcours_orientation o WHERE o.id > {orientation}
            UNION ALL
            SELECT CASE o.statut WHEN 'en_etude' THEN 'etude' WHEN 'complement' THEN 'question'
                WHEN 'reorientee' THEN 'reorientation' WHEN 'refusee' THEN 'refus'
                ELSE 'acceptation' END, o.statut,
                CASE WHEN o.statut = 'complement' THEN 'Pouvez-vous preciser les besoins ?'
                    ELSE o.motif_decision END,
                coalesce(o.decidee_le, o.recue_le + interval '3 days'),
                {user} + (o.programme_id - {programme} - 1) * {K} + 1, o.id
            FROM parcours_orientation o WHERE o.id > {orientation} AND o.statut <> 'recue'
            ORDER BY 6, 4""",
        )
        if self.nb_programmes < 2:
            return
        self._executer(
            "transferts",
            f"""
            INSERT INTO parcours_transfert (statut, resume, avec_notes_equipe, propose_le,
                decide_le, motif_refus, version, decide_par_id, parcours_destination_id,
                parcours_origine_id, programme_destination_id, programme_origine_id,
                propose_par_id)
            SELECT DISTINCT ON (pp.id) st, jsonb_build_object('age', 10, 'niveau_scolaire', 'CM1',
                    'motifs', jsonb_build_array('Résultats scolaires'),
                    'objectifs', jsonb_build_array(), 'date_entree', pp.date_entree::text,
                    'statut', 'En cours'),
                false, propose, CASE WHEN st = 'refuse' THEN propose + interval '5 days' END,
                CASE WHEN st = 'refuse' THEN 'Famille restee sur son ancien quartier'
                    ELSE '' END, 1,
                CASE WHEN st = 'refuse' THEN {{user}} + (dest - 1) * {{K}} + 1 END, NULL,
                pp.id, {{programme}} + dest, pp.programme_id,
                {{user}} + (g.p - 1) * {{K}} + 1
            FROM gen_prog g CROSS JOIN generate_series(1, 3 + g.n / 100) k
                CROSS JOIN LATERAL (SELECT g.p % {{P}} + 1 AS dest,
                    CASE WHEN {x.h("g.p * 10 + k", "ts", 3)} = 0 THEN 'refuse'
                        ELSE 'propose' END AS st,
                    ({{le}} - {x.h("g.p * 10 + k", "tj", 60)})::timestamp
                        + interval '15 hours' AS propose,
                    {{parcours}} + g.debut + 1 + {x.h("g.p * 10 + k", "to", 1000000)} % g.n
                        AS origine) a
                JOIN parcours_parcours pp ON pp.id = a.origine
                    AND pp.statut IN ('diagnostic', 'en_cours', 'suspendu')
            ORDER BY pp.id, a.propose""",
        )
