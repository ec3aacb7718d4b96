# ruff: noqa: S608, S603, S607 - SQL built from constants and integers; pg_dump/pg_restore
"""Synthetic data set for benchmarks (issue 7): `city` or `national` scale, set-based SQL.

    manage.py generer_donnees --echelle city|national --graine N [--programmes K]
        [--parcours N] [--le AAAA-MM-JJ] [--dump] [--depuis-dump]

Every row is computed in PostgreSQL (`INSERT ... SELECT generate_series(...)`) from its index
and the seed through `hashtext`, so the same seed, scale and reference date give the same rows.
Ids are explicit (offset by the table's current maximum) so foreign keys are arithmetic.
Programme 1 always has the city shape (1,000 pathways, 1 coordinator, 9 référents, 30
partners), at both scales. Guardian rows are derived in SQL exactly as
`parcours.permissions.droits_attendus` does. Synthetic names only.
"""

import re
import subprocess
import time
from datetime import date
from pathlib import Path

import pgtrigger
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from reussite.core.charte import CHARTE_VERSION

MOT_DE_PASSE = "reussite-bench-2026"
STRUCTURES_PAR_PROGRAMME = 10
PROS_PAR_PROGRAMME = 40  # 1 coordinator, 9 référents (porteuse), 30 partners
REUNIONS_PAR_PROGRAMME = 36
CONVENTIONS_PAR_PROGRAMME = 3

PRENOMS = [
    "Adam",
    "Alice",
    "Amir",
    "Anna",
    "Arthur",
    "Ayoub",
    "Chloe",
    "Clara",
    "Eden",
    "Elena",
    "Emma",
    "Gabriel",
    "Hugo",
    "Ines",
    "Jade",
    "Jules",
    "Lea",
    "Leo",
    "Lina",
    "Louis",
    "Lucas",
    "Maelys",
    "Mila",
    "Nael",
    "Noah",
    "Nora",
    "Paul",
    "Rose",
    "Sacha",
    "Sarah",
    "Theo",
    "Yanis",
    "Zoe",
]
NOMS = [
    "Bernard",
    "Bonnet",
    "Chevalier",
    "Dubois",
    "Durand",
    "Fabre",
    "Fontaine",
    "Garnier",
    "Girard",
    "Lambert",
    "Laurent",
    "Lefebvre",
    "Leroy",
    "Martin",
    "Mercier",
    "Michel",
    "Moreau",
    "Morel",
    "Perrin",
    "Petit",
    "Richard",
    "Robert",
    "Roux",
    "Simon",
    "Thomas",
    "Vincent",
]
TABLES = {
    "user": "core_user",
    "programme": "core_programme",
    "structure": "partenaires_structure",
    "professionnel": "partenaires_professionnel",
    "parcours": "parcours_parcours",
    "famille": "parcours_famille",
    "responsable": "parcours_responsablelegal",
    "enfant": "parcours_enfant",
    "consentement": "parcours_consentement",
    "intervenant": "parcours_intervenant",
    "objectif": "parcours_objectif",
    "action": "parcours_action",
    "note": "parcours_note",
    "reunion": "parcours_reunioneps",
    "offre": "partenaires_offre",
    "convention": "partenaires_convention",
    "partie": "partenaires_partieconvention",
    "rappel": "core_rappel",
    "trace": "core_traceacces",
}


def _sql_liste(valeurs) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in valeurs) + "]"


class Command(BaseCommand):
    help = "Génère un jeu de données synthétique (city ou national) pour les mesures."

    def add_arguments(self, parser):
        parser.add_argument("--echelle", choices=["city", "national"], default="city")
        parser.add_argument("--graine", type=int, default=1)
        parser.add_argument("--programmes", type=int, help="nombre de programmes (national)")
        parser.add_argument("--parcours", type=int, help="parcours du programme 1 (et des autres)")
        parser.add_argument("--le", type=date.fromisoformat, help="date de référence")
        parser.add_argument("--dump", action="store_true", help="écrit var/bench/<…>.dump")
        parser.add_argument(
            "--depuis-dump", action="store_true", help="restaure le dump au lieu de générer"
        )

    def handle(self, *args, echelle, graine, programmes, parcours, le, dump, depuis_dump, **o):
        chemin = (
            Path(settings.BASE_DIR)
            / "var"
            / "bench"
            / f"{echelle}-{programmes or 'x'}-{graine}.dump"
        )
        if depuis_dump:
            if not chemin.exists():
                raise CommandError(f"Pas de dump {chemin}")
            debut = time.perf_counter()
            subprocess.run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "-j",
                    "2",
                    "-d",
                    _dsn(),
                    str(chemin),
                ],
                check=True,
            )
            self.stdout.write(f"Restauré depuis {chemin} en {time.perf_counter() - debut:.1f} s")
            return
        debut = time.perf_counter()
        Generateur(
            echelle=echelle,
            graine=graine,
            programmes=programmes,
            parcours=parcours,
            le=le or date.today(),
            sortie=self.stdout,
        ).generer()
        self.stdout.write(f"Terminé en {time.perf_counter() - debut:.1f} s")
        if dump:
            chemin.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["pg_dump", "-Fc", "-f", str(chemin), _dsn()], check=True)
            self.stdout.write(f"Dump : {chemin}")


def _dsn() -> str:
    d = connection.settings_dict
    return f"postgresql://{d['USER']}@{d['HOST'] or 'localhost'}:{d['PORT'] or 5432}/{d['NAME']}"


class Generateur:
    def __init__(self, *, echelle, graine, programmes=None, parcours=None, le, sortie=None):
        self.echelle = echelle
        self.graine = graine
        self.le = le
        self.sortie = sortie
        national = echelle == "national"
        self.nb_programmes = programmes or (500 if national else 1)
        self.taille_ville = parcours or 1000
        self.taille_autres = parcours or 300
        self.domaine = f"{echelle}.bench"

    # --- helpers -----------------------------------------------------------------------------

    def h(self, expr: str, sel: str, modulo: int) -> str:
        """A deterministic pseudo-random integer in [0, modulo) from an expression and a salt."""
        return f"((hashtext(({expr})::text || ':{sel}:{self.graine}') & 2147483647) % {modulo})"

    def _analyser(self) -> None:
        """Statistics on the rows just inserted (visible to this transaction): without them the
        planner takes the fresh tables for empty and chooses nested loops."""
        with connection.cursor() as c:
            c.execute("ANALYZE")

    def _executer(self, titre: str, sql: str, params=None) -> None:
        debut = time.perf_counter()
        sql = sql.format(**self.o, le=f"'{self.le.isoformat()}'::date")
        if params is None:
            # pgtrigger.ignore() prefixes the statement and passes parameters: `%` is escaped.
            sql, params = sql.replace("%", "%%"), ()
        with connection.cursor() as c:
            c.execute(sql, params)
            n = c.rowcount
            # Statistics on the table just filled: the next statements join it, and a table
            # the planner believes empty gets nested loops over tens of thousands of rows.
            cible = re.search(r"INSERT INTO \"?(\w+)", sql)
            if cible:
                c.execute(f'ANALYZE "{cible.group(1)}"')
        if self.sortie:
            self.sortie.write(f"  {titre:<28} {n:>9} lignes  {time.perf_counter() - debut:6.1f} s")

    @transaction.atomic
    def generer(self) -> None:
        with connection.cursor() as c:
            self.o = {}
            for cle, table in TABLES.items():
                c.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
                self.o[cle] = c.fetchone()[0]
            c.execute(
                "SELECT codename, id FROM auth_permission WHERE codename IN "
                "('view_parcours','change_parcours','coordonner_programme')"
            )
            for codename, pk in c.fetchall():
                self.o[f"perm_{codename}"] = pk
            c.execute(
                "CREATE TEMP TABLE gen_prog (p int, debut int, n int) ON COMMIT DROP; "
                "INSERT INTO gen_prog SELECT p, "
                "CASE WHEN p = 1 THEN 0 ELSE %s + (p - 2) * %s END, "
                "CASE WHEN p = 1 THEN %s ELSE %s END FROM generate_series(1, %s) p",
                [
                    self.taille_ville,
                    self.taille_autres,
                    self.taille_ville,
                    self.taille_autres,
                    self.nb_programmes,
                ],
            )
        from parcours.models import Parcours

        self.o["ct_parcours"] = ContentType.objects.get_for_model(Parcours).pk
        self.o["prenoms"] = _sql_liste(PRENOMS)
        self.o["noms"] = _sql_liste(NOMS)
        self.o["np"], self.o["nn"] = len(PRENOMS), len(NOMS)
        self.o["S"], self.o["K"] = STRUCTURES_PAR_PROGRAMME, PROS_PAR_PROGRAMME
        self.o["R"], self.o["C"] = REUNIONS_PAR_PROGRAMME, CONVENTIONS_PAR_PROGRAMME
        self.o["charte"] = CHARTE_VERSION
        self.o["dom"] = self.domaine
        self.o["P"] = self.nb_programmes
        # The history triggers (django-pghistory, through django-pgtrigger) are ignored while
        # the rows are inserted: fired per row, each one updates the transaction's context row
        # again, and the cost grows with the rows already written (the national set had not
        # finished its notes after 10 minutes). The history rows are then written in bulk.
        with pgtrigger.ignore():
            for etape in (
                self._reseau,
                self._enfants,
                self._analyser,
                self._suivi,
                self._eps,
                self._analyser,
                self._permissions,
                self._traces,
            ):
                etape()
        self._historique()
        with connection.cursor() as c:
            for table in TABLES.values():
                c.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"greatest((SELECT max(id) FROM {table}), 1))"
                )
            for table in (
                "parcours_parcoursuserobjectpermission",
                "core_programmeuserobjectpermission",
                "parcours_consentement_structures",
                "parcours_consentement_signataires",
                "partenaires_offre_programmes",
                "parcours_invitationeps",
                "parcours_examen",
                "partenaires_engagement",
                "partenaires_partenariat",
                "partenaires_signaturecharte",
                "core_acceptationcharte",
                "parcours_changementstatut",
            ):
                c.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"greatest((SELECT max(id) FROM {table}), 1))"
                )
        if self.sortie:
            self.sortie.write(
                f"Comptes : coordination@{self.domaine}, referent@{self.domaine}, "
                f"partenaire@{self.domaine} (mot de passe : {MOT_DE_PASSE})"
            )

    # --- network -----------------------------------------------------------------------------

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
            FROM generate_series(1, {{P}} * {{K}}) u""",
        )
        self._executer(
            "acceptations charte",
            f"""
            INSERT INTO core_acceptationcharte (user_id, version, le)
            SELECT {{user}} + u, '{{charte}}', now() FROM generate_series(1, {{P}} * {{K}}) u
            WHERE (u - 1) % {{K}} < 10 OR {x.h("u", "acc", 17)} > 0""",
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
                diffusion_publique, contact_public)
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
                {{structure}} + s, false, false
            FROM generate_series(1, {{P}} * {{S}}) s, generate_series(1, 2) t""",
        )
        self._executer(
            "publications d'offres",
            """
            INSERT INTO partenaires_offre_programmes (offre_id, programme_id)
            SELECT {offre} + (s - 1) * 2 + t, {programme} + 1 + (s - 1) / {S}
            FROM generate_series(1, {P} * {S}) s, generate_series(1, 2) t""",
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

    # --- children and pathways ---------------------------------------------------------------

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
                (ARRAY['cp','ce1','ce2','cm1','cm2','6e','5e'])[1 + {x.h("i", "nv", 7)}], '',
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

    # --- guardian rows, as parcours.permissions.droits_attendus derives them ------------------

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

    # --- history ------------------------------------------------------------------------------

    def _historique(self) -> None:
        """One « insert » event per generated row of every tracked model, in one statement per
        event table: what the per-row trigger would have written, without a context."""
        from django.apps import apps
        from pghistory.models import Event

        for modele in apps.get_models():
            if not issubclass(modele, Event) or modele._meta.abstract:
                continue
            suivi = getattr(modele, "pgh_tracked_model", None)
            if suivi is None or suivi._meta.db_table not in TABLES.values():
                continue
            cle = next(k for k, t in TABLES.items() if t == suivi._meta.db_table)
            colonnes = [
                f.column for f in modele._meta.concrete_fields if not f.name.startswith("pgh_")
            ]
            liste = ", ".join(f'"{c}"' for c in colonnes)
            self._executer(
                f"historique {suivi._meta.model_name}",
                f"""
                INSERT INTO "{modele._meta.db_table}" ({liste}, pgh_created_at, pgh_label,
                    pgh_obj_id)
                SELECT {liste}, now(), 'insert', id FROM "{suivi._meta.db_table}"
                WHERE id > {{{cle}}}""",
            )

    # --- reminders and the access trail --------------------------------------------------------

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
        self._executer(
            "journal des accès",
            """
            INSERT INTO core_traceacces (id, le, user_id, evenement, autorise, content_type_id,
                object_id, programme_id, page, methode, ip, identifiant)
            SELECT {trace} + 2 * i - 2 + t, pp.derniere_activite - t * interval '1 day',
                coalesce(rp.user_id, {user} + (pp.programme_id - {programme} - 1) * {K} + 1),
                'lecture', true, {ct_parcours}, pp.id, pp.programme_id,
                '/parcours/' || pp.id || '/', 'GET', '127.0.0.1', ''
            FROM parcours_parcours pp CROSS JOIN LATERAL (SELECT pp.id - {parcours}) z(i)
            LEFT JOIN partenaires_professionnel rp ON rp.id = pp.referent_id
            CROSS JOIN generate_series(1, 2) t
            WHERE pp.id > {parcours} ORDER BY 1""",
        )
        with connection.cursor() as c:
            c.execute("ANALYZE")
