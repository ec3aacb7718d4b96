# ruff: noqa: S608 - SQL built from constants and integers
"""The network: programmes, structures, professionals and their logins, offers, conventions."""

from django.contrib.auth.hashers import make_password

from parcours.generation.parametres import MOT_DE_PASSE, NOMS, PRENOMS


class ReseauMixin:
    """Steps of `Generateur` (parcours/generation/generateur.py)."""

    def _reseau(self) -> None:
        self.o["hache"] = make_password(MOT_DE_PASSE)
        x = self
        self._executer(
            "programmes",
            """
            INSERT INTO core_programme (id, nom, territoire, communes, codes_qpv, delai_revue_jours,
                cree_le, consentement_deux_signataires, delai_inactivite_jours,
                rappel_besoin_jours, rappel_consentement_jours, rappel_revue_jours,
                conservation_mois)
            SELECT {programme} + p, 'PRE bench {dom} ' || lpad(p::text, 3, '0'),
                'Territoire ' || p, ARRAY['Commune ' || p], ARRAY['QN' || p], 120, now(), false,
                60, 60, 30, 15, 24
            FROM gen_prog""",
        )
        self._executer(
            "structures",
            """
            INSERT INTO partenaires_structure (id, nom, type, siret, uai, adresse, commune,
                telephone, email)
            SELECT {structure} + s, CASE WHEN k = 1 THEN 'Porteuse PRE ' || p
                ELSE (ARRAY['Ecole','Association','CMP','Centre social','College','PMI','CAF',
                'Club','Mediatheque'])[k - 1] || ' ' || p || '-' || k END,
                CASE WHEN k = 1 THEN 'porteuse' ELSE (ARRAY['ecole','association','sante','ville',
                'ecole','pmi','caf','association','ville'])[k - 1] END,
                '', '', k || ' rue des Tilleuls', 'Commune ' || p, '', ''
            FROM gen_prog, generate_series(1, {S}) k, LATERAL (SELECT (p - 1) * {S} + k) z(s)""",
        )
        self._executer(
            "partenariats",
            """
            INSERT INTO partenaires_partenariat (structure_id, programme_id, est_porteuse, depuis)
            SELECT {structure} + (p - 1) * {S} + k, {programme} + p, k = 1, {le} - 1000
            FROM gen_prog, generate_series(1, {S}) k""",
        )
        self._executer(
            "signatures charte",
            f"""
            INSERT INTO partenaires_signaturecharte (structure_id, version, date_signature,
                signataire, document)
            SELECT {{structure}} + s, '{{charte}}', {{le}} - 900, 'Direction', ''
            FROM generate_series(1, {{P}} * {{S}}) s
            WHERE s % {{S}} = 1 OR {x.h("s", "charte", 10)} > 0""",
        )
        self._executer(
            "utilisateurs",
            f"""
            INSERT INTO core_user (id, password, is_superuser, email, first_name, last_name,
                is_staff, is_active, date_joined, frequence_courriels, compte_de_service)
            SELECT {{user}} + u,
                '{{hache}}', false,
                CASE WHEN u = 1 THEN 'coordination@{{dom}}' WHEN u = 2 THEN 'referent@{{dom}}'
                     WHEN u = 11 THEN 'partenaire@{{dom}}' ELSE 'pro' || u || '@{{dom}}' END,
                ({{prenoms}})[1 + {x.h("u", "up", len(PRENOMS))}],
                ({{noms}})[1 + {x.h("u", "un", len(NOMS))}],
                false, true, now(),
                (ARRAY['quotidien','immediat','aucun'])[1 + {x.h("u", "fq", 3)}], false
            FROM generate_series(1, {{P}} * {{K}} + {{E}} * {{J}}) u""",
        )
        self._executer(
            "acceptations charte",
            f"""
            INSERT INTO core_acceptationcharte (user_id, version, le)
            SELECT {{user}} + u, '{{charte}}', now()
            FROM generate_series(1, {{P}} * {{K}} + {{E}} * {{J}}) u
            WHERE (u <= {{P}} * {{K}} AND (u - 1) % {{K}} < 10) OR {x.h("u", "acc", 17)} > 0""",
        )
        # j = 1 coordinator, 2..10 référents (porteuse, k = 1), 11..40 partners (k = 2..10).
        self._executer(
            "professionnels",
            f"""
            INSERT INTO partenaires_professionnel (id, fonction, actif, depuis, user_id,
                structure_id)
            SELECT {{professionnel}} + u,
                CASE WHEN j = 1 THEN 'coordinateur' WHEN j <= 10 THEN 'referent'
                ELSE (ARRAY['enseignant','educateur','psychologue','animateur','assistant_social',
                'infirmier','orthophoniste','conseiller_caf','medecin'])[1 + (j - 11) % 9] END,
                j <= 10 OR {x.h("u", "actif", 50)} > 0, {{le}} - 800, {{user}} + u,
                {{structure}} + (p - 1) * {{S}} + CASE WHEN j <= 10 THEN 1 ELSE 2 + (j - 11) % 9 END
            FROM gen_prog, generate_series(1, {{K}}) j, LATERAL (SELECT (p - 1) * {{K}} + j) z(u)""",
        )
        self._reseau_elargi()
        self._executer(
            "rôles de coordination",
            """
            INSERT INTO core_programmeuserobjectpermission (content_object_id, permission_id,
                user_id)
            SELECT {programme} + p, {perm_coordonner_programme}, {user} + (p - 1) * {K} + 1
            FROM gen_prog""",
        )
        self._executer(
            "offres",
            f"""
            INSERT INTO partenaires_offre (id, intitule, description, type_service, domaine,
                age_min, age_max, capacite, unite_capacite, periode_capacite, territoire,
                conditions_acces, cout, contact_nom, contact_email, contact_telephone,
                disponible_du, disponible_au, active, version, cree_le, modifie_le, structure_id,
                diffusion_publique, contact_public, cree_par_id)
            SELECT {{offre}} + (s - 1) * 2 + t,
                (ARRAY['Aide aux devoirs','Atelier theatre','Bilan orthophonique','Judo',
                'Groupe de parole parents','Sortie musee'])[1 + {x.h("s*2+t", "oi", 6)}]
                || ' ' || s || '-' || t, '',
                (ARRAY['soutien_scolaire','collectif','soin','activite','parentalite','sejour'])
                    [1 + {x.h("s*2+t", "oi", 6)}],
                (ARRAY['scolarite','culture','langage','sport','parentalite','socialisation'])
                    [1 + {x.h("s*2+t", "oi", 6)}],
                3, 16, 10 + {x.h("s*2+t", "cap", 20)}, 'places', 'annee_scolaire', '', '',
                CASE WHEN t = 1 THEN 25.50 END, '', '', '', NULL, NULL, true, 1, now(), now(),
                {{structure}} + s, {x.h("s*2+t", "pub", 5)} < 2, false,
                {{user}} + (least(s, {{P}} * {{S}}) - 1) / {{S}} * {{K}} + 1
            FROM generate_series(1, {{P}} * {{S}} + {{E}}) s, generate_series(1, 2) t""",
        )
        self._executer(
            "publications d'offres",
            """
            INSERT INTO partenaires_offre_programmes (offre_id, programme_id)
            SELECT {offre} + (s - 1) * 2 + t,
                {programme} + CASE WHEN s <= {P} * {S} THEN 1 + (s - 1) / {S} ELSE 1 END
            FROM generate_series(1, {P} * {S} + {E}) s, generate_series(1, 2) t""",
        )
        self._executer(
            "conventions",
            """
            INSERT INTO partenaires_convention (id, intitule, reference, objet, objectifs,
                date_debut, date_fin, statut, date_signature, document, motif_resiliation,
                version, cree_le, modifie_le, programme_id)
            SELECT {convention} + (p - 1) * {C} + c, 'Convention ' || p || '-' || c, 'CV-' || c,
                'Moyens mutualisés', '', {le} - 365 * c + 200, {le} - 365 * c + 565,
                (ARRAY['en_vigueur','expiree','projet'])[c],
                CASE WHEN c < 3 THEN {le} - 365 * c + 190 END, '', '', 1, now(), now(),
                {programme} + p
            FROM gen_prog, generate_series(1, {C}) c""",
        )
        self._executer(
            "parties",
            """
            INSERT INTO partenaires_partieconvention (id, signataire, qualite_signataire,
                date_signature, convention_id, structure_id)
            SELECT {partie} + ((p - 1) * {C} + c - 1) * 3 + t, 'Direction', 'Directeur', NULL,
                {convention} + (p - 1) * {C} + c,
                {structure} + (p - 1) * {S} + (ARRAY[1, 1 + c, 5 + c])[t]
            FROM gen_prog, generate_series(1, {C}) c, generate_series(1, 3) t""",
        )
        self._executer(
            "engagements",
            """
            INSERT INTO partenaires_engagement (annee, nature, quantite, description, partie_id)
            SELECT extract(year FROM {le})::int + a, (ARRAY['financier','heures'])[t],
                1000.00 * t + 10 * q, '', {partie} + q
            FROM generate_series(1, {P} * {C} * 3) q, generate_series(0, 1) a,
                generate_series(1, 2) t""",
        )

    def _reseau_elargi(self) -> None:
        """Programme 1's wider network (parametres.STRUCTURES_RESEAU_ELARGI): structures
        {structure} + P*S + e, partners of programme 1, most of which signed the charter, each
        with J professionals (users P*K + (e - 1) * J + j). Their accounts, charter acceptances
        and offers (published to programme 1) are written by `_reseau`'s own statements, which
        run on past the regular ids. They share no pathway yet."""
        x = self
        self._executer(
            "réseau élargi : structures",
            """
            INSERT INTO partenaires_structure (id, nom, type, siret, uai, adresse, commune,
                telephone, email)
            SELECT {structure} + {P} * {S} + e,
                (ARRAY['Ecole','College','Association','Centre de sante','Service jeunesse','PMI',
                'Club','Mediatheque'])[1 + e % 8] || ' ' || e,
                (ARRAY['ecole','ecole','association','sante','ville','pmi','association',
                'ville'])[1 + e % 8],
                '', '', e || ' avenue des Platanes', 'Commune 1', '', ''
            FROM generate_series(1, {E}) e""",
        )
        self._executer(
            "réseau élargi : partenariats",
            """
            INSERT INTO partenaires_partenariat (structure_id, programme_id, est_porteuse, depuis)
            SELECT {structure} + {P} * {S} + e, {programme} + 1, false, {le} - 700 + e
            FROM generate_series(1, {E}) e""",
        )
        self._executer(
            "réseau élargi : chartes",
            f"""
            INSERT INTO partenaires_signaturecharte (structure_id, version, date_signature,
                signataire, document)
            SELECT {{structure}} + {{P}} * {{S}} + e, '{{charte}}', {{le}} - 600 + e, 'Direction',
                ''
            FROM generate_series(1, {{E}}) e WHERE {x.h("e", "charte_e", 10)} > 0""",
        )
        self._executer(
            "réseau élargi : professionnels",
            f"""
            INSERT INTO partenaires_professionnel (id, fonction, actif, depuis, user_id,
                structure_id)
            SELECT {{professionnel}} + u,
                (ARRAY['enseignant','educateur','psychologue','animateur','assistant_social',
                'infirmier','orthophoniste','conseiller_caf','medecin'])[1 + i % 9],
                {x.h("i", "actif_e", 40)} > 0, {{le}} - 500, {{user}} + u,
                {{structure}} + {{P}} * {{S}} + 1 + (i - 1) / {{J}}
            FROM generate_series(1, {{E}} * {{J}}) i, LATERAL (SELECT {{P}} * {{K}} + i) z(u)""",
        )
