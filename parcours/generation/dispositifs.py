# ruff: noqa: S608 - SQL built from constants and integers
"""Other schemes, the family's words, exit questionnaires and school transitions."""


class DispositifsMixin:
    """Steps of `Generateur` (parcours/generation/generateur.py)."""

    def _dispositifs_et_transitions(self) -> None:
        """Other schemes (a quarter of the pathways, 5 % two), the family's words on a third
        of the objectives, exit questionnaires for 60 % of the closed pathways, and the
        checklists of 60 % of the open pathways whose child changes school next September
        (grande section, CM2, 3e), at every stage."""
        x = self
        self._executer(
            "dispositifs",
            f"""
            INSERT INTO parcours_dispositif (type, precision, date_debut, date_fin,
                accord_contact, contact, version, cree_le, modifie_le, cree_par_id, parcours_id)
            SELECT (ARRAY['ppre','ppre','pap','pai','pps','clas','clas','cite_educative',
                    'cite_educative','aemo','placement_ase','cmp','cmp','autre_pre'])
                    [1 + {x.h("i * 2 + t", "dt", 14)}], '', debut,
                CASE WHEN {x.h("i * 2 + t", "df", 5)} = 0 THEN least(debut + 200, {{le}}) END,
                acc, CASE WHEN acc THEN 'Secretariat du dispositif' ELSE '' END, 1, now(), now(),
                coalesce(rp.user_id, {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}} + 1),
                pp.id
            FROM parcours_parcours pp CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
                LEFT JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
                CROSS JOIN generate_series(1, 2) t
                CROSS JOIN LATERAL (SELECT {x.h("i", "dq", 100)} AS q,
                    pp.date_entree - {x.h("i * 2 + t", "dd", 300)} AS debut,
                    {x.h("i * 2 + t", "da", 2)} = 0 AS acc) a
            WHERE pp.id > {{parcours}} AND (a.q < 25 AND (t = 1 OR a.q < 5))
            ORDER BY pp.id, t""",
        )
        self._executer(
            "paroles des familles",
            f"""
            INSERT INTO parcours_parolefamille (locuteur, moment, date, texte, cree_le,
                auteur_id, objectif_id)
            SELECT (ARRAY['enfant','parents','ensemble'])[1 + {x.h("o.id", "pl", 3)}],
                'souhaits', o.date_ouverture,
                (ARRAY['Avoir des copains au club','Etre moins en difficulte en classe',
                    'Que la maison soit plus calme','Parler mieux'])[1 + {x.h("o.id", "pt", 4)}],
                o.date_ouverture::timestamp, o.cree_par_id, o.id
            FROM parcours_objectif o
            WHERE o.id > {{objectif}} AND {x.h("o.id", "pq", 3)} = 0 ORDER BY o.id""",
        )
        self._executer(
            "questionnaires de sortie",
            f"""
            INSERT INTO parcours_questionnairesortie (date, repondants, satisfaction, aides,
                aide_commentaire, freins, frein_commentaire, cree_le, parcours_id,
                rempli_par_id)
            SELECT pp.date_sortie, (ARRAY['enfant','parents','ensemble'])[1 + {x.h("i", "qr", 3)}],
                (ARRAY['tres','tres','plutot','plutot','plutot','peu','pas'])
                    [1 + {x.h("i", "qs", 7)}],
                ARRAY[aides[1 + a1], aides[1 + (a1 + 1 + {x.h("i", "qa2", 6)}) % 7]]::varchar[],
                '',
                CASE WHEN {x.h("i", "qf", 2)} = 0 THEN ARRAY[]::varchar[]
                    ELSE ARRAY[(ARRAY['attente','horaires','information','changements','cout',
                        'autre'])[1 + {x.h("i", "qfv", 6)}]]::varchar[] END,
                '', pp.date_sortie::timestamp, pp.id,
                coalesce(rp.user_id, {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}} + 1)
            FROM parcours_parcours pp CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
                LEFT JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
                CROSS JOIN LATERAL (SELECT ARRAY['ecoute','scolarite','activites','sante',
                    'parentalite','ecole','autre'] AS aides,
                    {x.h("i", "qa1", 7)} AS a1) a
            WHERE pp.id > {{parcours}} AND pp.statut = 'sorti' AND pp.date_sortie IS NOT NULL
                AND {x.h("i", "qq", 5)} < 3
            ORDER BY pp.id""",
        )
        from parcours.selectors.transitions import annee_rentree

        self.o["rentree"] = annee_rentree(self.le)
        self._executer(
            "transitions",
            f"""
            INSERT INTO parcours_transition (annee_rentree, type, etablissement_accueil,
                referent_accueil, contact_le, elements_transmis, accord_famille_le,
                fiche_remise_le, reunion_le, cree_le, modifie_le, version,
                accord_famille_par_id, contact_par_id, cree_par_id, fiche_remise_par_id,
                parcours_id, reunion_par_id)
            SELECT {{rentree}},
                CASE e.niveau_scolaire WHEN 'gs' THEN 'gs_cp' WHEN 'cm2' THEN 'cm2_6e'
                    ELSE '3e_lycee' END,
                CASE WHEN e.niveau_scolaire = 'cm2' THEN 'College Jean Moulin'
                    WHEN e.niveau_scolaire = 'gs' THEN 'Ecole elementaire des Lilas'
                    ELSE 'Lycee professionnel' END,
                CASE WHEN etape >= 1 THEN 'Professeur principal' ELSE '' END,
                CASE WHEN etape >= 1 THEN {{le}} - 20 END,
                CASE WHEN etape >= 2 THEN ARRAY['scolarite','objectifs','contact']
                    ELSE ARRAY[]::varchar[] END,
                CASE WHEN etape >= 2 THEN {{le}} - 15 END,
                CASE WHEN etape >= 3 THEN {{le}} - 10 END,
                CASE WHEN etape >= 4 THEN {{le}} - 5 END, now(), now(), 1,
                CASE WHEN etape >= 2 THEN auteur END, CASE WHEN etape >= 1 THEN auteur END,
                auteur, CASE WHEN etape >= 3 THEN auteur END, pp.id,
                CASE WHEN etape >= 4 THEN auteur END
            FROM parcours_parcours pp CROSS JOIN LATERAL (SELECT pp.id - {{parcours}}) z(i)
                JOIN parcours_enfant e ON e.id = pp.enfant_id
                LEFT JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
                CROSS JOIN LATERAL (SELECT {x.h("i", "tq", 10)} AS q,
                    coalesce(rp.user_id, {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}}
                    + 1) AS auteur) a
                CROSS JOIN LATERAL (SELECT least(q, 4) AS etape) b
            WHERE pp.id > {{parcours}} AND e.niveau_scolaire IN ('gs', 'cm2', '3e')
                AND pp.statut IN ('diagnostic', 'en_cours', 'suspendu') AND q < 6
            ORDER BY pp.id""",
        )
