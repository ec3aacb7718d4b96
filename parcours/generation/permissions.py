"""Guardian rows, as parcours.permissions.droits_attendus derives them."""


class PermissionsMixin:
    """Steps of `Generateur` (parcours/generation/generateur.py)."""

    def _permissions(self) -> None:
        self._executer(
            "permissions parcours",
            """
            WITH affectes AS (
                SELECT pp.id AS parcours_id, pp.referent_id AS pro, true AS est_referent
                FROM parcours_parcours pp WHERE pp.id > {parcours} AND pp.referent_id IS NOT NULL
                UNION ALL
                SELECT iv.parcours_id, iv.professionnel_id, false FROM parcours_intervenant iv
                JOIN parcours_parcours pp ON pp.id = iv.parcours_id
                WHERE pp.id > {parcours} AND iv.actif
                UNION ALL
                SELECT a.parcours_id, a.professionnel_id, false FROM parcours_action a
                JOIN parcours_parcours pp ON pp.id = a.parcours_id
                WHERE pp.id > {parcours} AND a.professionnel_id IS NOT NULL
                    AND a.statut IN ('prevue', 'en_cours')
            ), fins AS (
                -- fin_de_validite of each consent valid today that allows sharing
                SELECT c.parcours_id, cs.structure_id, max(f.fin) AS fin
                FROM parcours_consentement c
                JOIN parcours_consentement_structures cs ON cs.consentement_id = c.id
                LEFT JOIN parcours_consentement rn ON rn.renouvelle_id = c.id
                CROSS JOIN LATERAL (SELECT least(c.date_expiration,
                    coalesce(c.date_retrait, c.date_expiration),
                    coalesce(rn.date_signature, c.date_expiration))) f(fin)
                WHERE c.date_signature <= {le} AND {le} < f.fin AND 'partage' = ANY(c.finalites)
                GROUP BY 1, 2
            ), droits AS (
                SELECT a.parcours_id, pr.user_id, a.est_referent, pp.statut, pp.date_sortie,
                    CASE WHEN pa.id IS NOT NULL THEN NULL ELSE fins.fin END AS expire,
                    pa.id IS NOT NULL AS equipe
                FROM affectes a
                JOIN parcours_parcours pp ON pp.id = a.parcours_id
                JOIN partenaires_professionnel pr ON pr.id = a.pro
                JOIN core_user u ON u.id = pr.user_id AND u.is_active
                JOIN core_acceptationcharte ac ON ac.user_id = pr.user_id
                    AND ac.version = '{charte}'
                LEFT JOIN partenaires_partenariat pa ON pa.programme_id = pp.programme_id
                    AND pa.structure_id = pr.structure_id AND pa.est_porteuse
                LEFT JOIN partenaires_signaturecharte sc ON sc.structure_id = pr.structure_id
                    AND sc.version = '{charte}'
                LEFT JOIN fins ON fins.parcours_id = a.parcours_id
                    AND fins.structure_id = pr.structure_id AND sc.id IS NOT NULL
                WHERE pr.actif AND (pa.id IS NOT NULL OR fins.fin IS NOT NULL)
            ), accordes AS (
                SELECT parcours_id, user_id, 'view_parcours' AS codename,
                    CASE WHEN statut = 'sorti' THEN
                        CASE WHEN expire IS NULL THEN date_sortie + 31
                        ELSE least(date_sortie + 31, expire) END
                    ELSE expire END AS expire
                FROM droits
                WHERE statut <> 'sorti' OR (est_referent AND date_sortie IS NOT NULL
                    AND {le} < date_sortie + 31)
                UNION ALL
                SELECT parcours_id, user_id, 'change_parcours', expire FROM droits
                WHERE statut <> 'sorti' AND est_referent
            )
            INSERT INTO parcours_parcoursuserobjectpermission (content_object_id, permission_id,
                user_id, expire_le)
            SELECT parcours_id,
                CASE WHEN codename = 'view_parcours' THEN {perm_view_parcours}
                ELSE {perm_change_parcours} END, user_id,
                CASE WHEN bool_or(expire IS NULL) THEN NULL ELSE max(expire) END
            FROM accordes GROUP BY parcours_id, user_id, codename ORDER BY 1, 3, 2""",
        )
