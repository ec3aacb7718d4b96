# ruff: noqa: S608 - SQL built from constants and integers
"""Reminders and the access trail."""

from django.db import connection


class TraceMixin:
    """Steps of `Generateur` (parcours/generation/generateur.py)."""

    def _traces(self) -> None:
        self._executer(
            "rappels",
            """
            INSERT INTO core_rappel (id, genre, object_id, programme_id, echeance, statut, cree_le,
                tentatives, erreur, lu_le, content_type_id, destinataire_id)
            SELECT {rappel} + i, 'affectation', pp.id, pp.programme_id, pp.date_entree,
                CASE WHEN i % 2 = 0 THEN 'envoye' ELSE 'resume' END,
                pp.date_entree::timestamp, 1, '',
                CASE WHEN i % 3 > 0 THEN pp.date_entree::timestamp + interval '1 day' END,
                {ct_parcours}, rp.user_id
            FROM parcours_parcours pp CROSS JOIN LATERAL (SELECT pp.id - {parcours}) z(i)
            JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
            WHERE pp.id > {parcours} AND i % 5 = 0 ORDER BY 1""",
        )
        with connection.cursor() as c:
            c.execute("ANALYZE")

    def _journal(self) -> None:
        """A year of the access trail (`TraceAcces`, append-only: only inserted here), up to the
        day before the reference date (nothing in the future when it is today), for the
        DPO's console and anomaly views: about 14 entries per pathway over the last 12 months
        (never before its entry), mostly its référent and its first partner on working days,
        with the realistic remainder that the anomaly views look for — the coordination and
        other professionals of the programme (reads outside one's assignments), 1 % at night
        or at the weekend, 0.3 % refused; per programme, list exports twice a month and
        right-of-access files, one person reading 30 pathways they do not follow, one burst of
        refused accesses; per user, logins, logouts and some failed logins. About 2.4 million
        rows at national scale."""
        x = self
        # Local (Europe/Paris) time of day: hours 8 to 18 on working days; 1 % at night
        # (21 h to 6 h) or kept on the weekend day drawn.
        moment = """
            CROSS JOIN LATERAL (SELECT jour0 - CASE WHEN w >= 10
                AND extract(isodow FROM jour0) >= 6 THEN extract(isodow FROM jour0)::int - 5
                ELSE 0 END AS jour,
                CASE WHEN w < 10 THEN (ARRAY[21, 22, 23, 5, 6])[1 + w % 5]
                ELSE 8 + w % 11 END AS heure) m
            CROSS JOIN LATERAL (SELECT ((m.jour + make_time(m.heure, (w * 7) % 60, 0))
                AT TIME ZONE 'Europe/Paris') AS le) t"""
        self.o["moment"] = moment
        ip = "('10.' || (u / 65536) % 256 || '.' || (u / 256) % 256 || '.' || u % 256)::inet"
        self.o["ip_u"] = ip
        self._executer(
            "journal : parcours",
            f"""
            INSERT INTO core_traceacces (le, user_id, evenement, autorise, content_type_id,
                object_id, programme_id, page, methode, ip, identifiant)
            SELECT t.le, u, ev, ev <> 'refus', {{ct_parcours}}, pp.id, pp.programme_id,
                CASE WHEN ev = 'modification' THEN 'parcours:note_ajouter'
                    ELSE 'parcours:detail' END,
                CASE WHEN ev = 'modification' THEN 'POST' ELSE 'GET' END,
                {ip}, ''
            FROM parcours_parcours pp
                CROSS JOIN LATERAL (SELECT pp.id - {{parcours}},
                    {{user}} + (pp.programme_id - {{programme}} - 1) * {{K}}) z(i, base)
                LEFT JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
                LEFT JOIN parcours_intervenant iv ON iv.id = {{intervenant}} + 2 * i - 1
                    AND iv.parcours_id = pp.id
                LEFT JOIN partenaires_professionnel ivp ON ivp.id = iv.professionnel_id
                CROSS JOIN generate_series(1, 14) s
                CROSS JOIN LATERAL (SELECT {x.h("i * 16 + s", "jq", 100)} AS q,
                    {x.h("i * 16 + s", "jw", 1000)} AS w1,
                    {x.h("i * 16 + s", "je", 1000)} AS e,
                    greatest(1, least(365, {{le}} - pp.date_entree)) AS etendue) d
                CROSS JOIN LATERAL (SELECT {{le}} - 1 - {x.h("i * 16 + s", "jd", 100000)}
                    % d.etendue AS jour0, w1 AS w) jj
                {{moment}}
                CROSS JOIN LATERAL (SELECT
                    CASE WHEN q < 58 THEN coalesce(rp.user_id, base + 1)
                        WHEN q < 83 THEN coalesce(ivp.user_id, rp.user_id, base + 1)
                        WHEN q < 93 THEN base + 1
                        WHEN q < 97 THEN base + 2 + (q + i) % 9
                        ELSE base + 11 + (i + s) % 30 END AS u,
                    CASE WHEN e < 3 THEN 'refus' WHEN e < 150 THEN 'modification'
                        ELSE 'lecture' END AS ev) r
            WHERE pp.id > {{parcours}}""",
        )
        # Per programme, one partner reads 30 pathways of the programme in the last 20 days
        # (most outside their assignments: the anomaly view's threshold is 20), and another
        # has 6 accesses refused within one hour, 3 days ago.
        self._executer(
            "journal : anomalies",
            f"""
            INSERT INTO core_traceacces (le, user_id, evenement, autorise, content_type_id,
                object_id, programme_id, page, methode, ip, identifiant)
            SELECT t.le, u, ev, ev <> 'refus', {{ct_parcours}}, {{parcours}} + g.debut + 1 + k,
                {{programme}} + g.p, 'parcours:detail', 'GET', {ip}, ''
            FROM gen_prog g CROSS JOIN generate_series(0, 35) k
                CROSS JOIN LATERAL (SELECT k < 30 AS curieux) c
                CROSS JOIN LATERAL (SELECT
                    {{user}} + (g.p - 1) * {{K}} + CASE WHEN curieux THEN 11 + g.p % 30
                        ELSE 11 + (g.p + 7) % 30 END AS u,
                    CASE WHEN curieux THEN 'lecture' ELSE 'refus' END AS ev,
                    CASE WHEN curieux THEN {{le}} - 1 - k % 20 ELSE {{le}} - 3 END AS jour,
                    CASE WHEN curieux THEN 9 + k % 9 ELSE 10 END AS heure,
                    CASE WHEN curieux THEN {x.h("g.p * 40 + k", "am", 60)} ELSE k * 5 % 60
                        END AS minute) a
                CROSS JOIN LATERAL (SELECT ((a.jour + make_time(a.heure, a.minute, 0))
                    AT TIME ZONE 'Europe/Paris') AS le) t
            WHERE k < least(g.n, 36)""",
        )
        # Exports: the coordination exports lists twice a month (content type of the pathway,
        # no object), and one right-of-access file per quarter.
        self._executer(
            "journal : exports",
            f"""
            INSERT INTO core_traceacces (le, user_id, evenement, autorise, content_type_id,
                object_id, programme_id, page, methode, ip, identifiant)
            SELECT t.le, u, ev, true, {{ct_parcours}},
                CASE WHEN ev = 'droit_acces' THEN {{parcours}} + g.debut + 1
                    + {x.h("g.p * 30 + k", "xo", 1000000)} % g.n END,
                {{programme}} + g.p,
                CASE WHEN ev = 'droit_acces' THEN 'parcours:droit_acces_pdf'
                    ELSE 'exports:exporter' END, 'GET', {ip}, ''
            FROM gen_prog g CROSS JOIN generate_series(1, 28) k
                CROSS JOIN LATERAL (SELECT {{user}} + (g.p - 1) * {{K}} + 1 AS u,
                    CASE WHEN k > 24 THEN 'droit_acces' ELSE 'export' END AS ev,
                    {{le}} - 1 - (k % 24) * 15 - {x.h("g.p * 30 + k", "xj", 15)} AS jour0,
                    {x.h("g.p * 30 + k", "xw", 1000)} AS w) jj
                {{moment}}""",
        )
        # Logins: twice a month per active user; a logout for half of them; a failed login
        # (the typed identifier, no user) for one in 25.
        self._executer(
            "journal : connexions",
            f"""
            INSERT INTO core_traceacces (le, user_id, evenement, autorise, content_type_id,
                object_id, programme_id, page, methode, ip, identifiant)
            SELECT t.le + CASE WHEN ev = 'deconnexion' THEN interval '2 hours'
                    ELSE interval '0' END,
                CASE WHEN ev = 'echec_connexion' THEN NULL ELSE u END, ev,
                ev <> 'echec_connexion', NULL, NULL, NULL,
                CASE WHEN ev = 'deconnexion' THEN 'logout' ELSE 'login' END, 'POST', {ip},
                CASE WHEN ev = 'echec_connexion' THEN cu.email ELSE '' END
            FROM core_user cu CROSS JOIN generate_series(1, 24) k
                CROSS JOIN LATERAL (SELECT cu.id AS u,
                    {{le}} - 1 - (k - 1) * 15 - {x.h("cu.id * 30 + k", "cj", 15)} AS jour0,
                    {x.h("cu.id * 30 + k", "cw", 1000)} AS w) jj
                {{moment}}
                CROSS JOIN (VALUES ('connexion'), ('deconnexion'), ('echec_connexion')) e(ev)
            WHERE cu.id > {{user}} AND cu.is_active
                AND (ev = 'connexion' OR (ev = 'deconnexion' AND w % 2 = 0)
                    OR (ev = 'echec_connexion' AND w % 25 = 0))""",
        )
