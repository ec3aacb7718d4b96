"""EXPLAIN the partner list ("Mes suivis") with 100,000 pathways in the database.

    DATABASE_URL=postgres://.../bench_partage python -m reussite.devtools.bench_partage [N]

Uses a database of its own (it is emptied and migrated), fills it with set-based SQL, then
prints the query plan of `Parcours.objects.suivis_par(partner)` and of the coordinator's
list, with their execution times. Issue 3 asks that the partner list use indexes at that size.
"""

import os
import sys
import time

import django


def main(nombre: int = 100_000) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reussite.settings.dev")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from parcours.models import Parcours
    from parcours.selectors import parcours_pour_liste
    from reussite.core.models import User

    call_command("flush", "--noinput", verbosity=0) if _migre(connection) else None
    call_command("migrate", verbosity=0)
    debut = time.perf_counter()
    with connection.cursor() as c:
        c.execute(REMPLISSAGE, {"n": nombre})
        c.execute("ANALYZE")
    print(f"{nombre} pathways generated in {time.perf_counter() - debut:.1f} s")

    partenaire = User.objects.get(email="partenaire-bench@exemple.test")
    coordinateur = User.objects.get(email="coordination-bench@exemple.test")
    for titre, qs in [
        (
            "Mes suivis (partner, 30 shared pathways)",
            parcours_pour_liste(partenaire).suivis_par(partenaire),
        ),
        ("Coordinator list (one programme of 1,000)", parcours_pour_liste(coordinateur)),
    ]:
        page = qs[:25]
        debut = time.perf_counter()
        lignes = list(page)
        duree = (time.perf_counter() - debut) * 1000
        print(f"\n== {titre}: {len(lignes)} rows on the page, {qs.count()} in all, {duree:.1f} ms")
        print(page.explain(analyze=True, buffers=True))
    print(f"\nParcours rows: {Parcours.objects.count()}")


def _migre(connection) -> bool:
    return "parcours_parcours" in connection.introspection.table_names()


# 100 programmes of N/100 pathways; one référent per 100 pathways holds view+change rows;
# one partner is intervenant (view row) on 30 pathways spread over the table.
REMPLISSAGE = """
INSERT INTO core_programme (nom, territoire, communes, codes_qpv, delai_revue_jours,
                            consentement_deux_signataires, cree_le)
SELECT 'PRE bench ' || g, 'Territoire ' || g, '{}', '{}', 120, false, now()
FROM generate_series(1, 100) g;

INSERT INTO partenaires_structure (nom, type, siret, uai, adresse, commune, telephone, email)
SELECT 'CCAS bench ' || g, 'porteuse', '', '', '', '', '', '' FROM generate_series(1, 100) g;

INSERT INTO partenaires_partenariat (structure_id, programme_id, est_porteuse)
SELECT s.id, p.id, true FROM partenaires_structure s
JOIN core_programme p ON p.nom = replace(s.nom, 'CCAS bench', 'PRE bench');

INSERT INTO core_user (password, email, first_name, last_name, is_staff, is_active, is_superuser, date_joined,
    frequence_courriels, compte_de_service)
SELECT '!', 'referent' || g || '@exemple.test', 'Référent', 'N' || g, false, true, false, now(), 'aucun', false
FROM generate_series(1, %(n)s / 100) g;

INSERT INTO core_user (password, email, first_name, last_name, is_staff, is_active, is_superuser, date_joined,
    frequence_courriels, compte_de_service)
VALUES ('!', 'partenaire-bench@exemple.test', 'Partenaire', 'Bench', false, true, false, now(), 'aucun', false),
       ('!', 'coordination-bench@exemple.test', 'Coordination', 'Bench', false, true, false, now(), 'aucun', false);

INSERT INTO partenaires_professionnel (user_id, structure_id, fonction, actif)
SELECT u.id, (SELECT min(id) FROM partenaires_structure) + (u.id %% 100), 'referent', true
FROM core_user u WHERE u.email LIKE 'referent%%';

INSERT INTO parcours_famille (programme_id, adresse, commune, langue_parlee, cree_le, modifie_le)
SELECT (SELECT min(id) FROM core_programme) + (g %% 100), '', '', '', now(), now()
FROM generate_series(1, %(n)s) g;

INSERT INTO parcours_enfant (programme_id, famille_id, nom, prenom, date_naissance, sexe,
                             niveau_scolaire, classe, quartier, qpv, recherche, cree_le, modifie_le)
SELECT f.programme_id, f.id, 'Nom' || f.id, 'Prenom' || f.id,
       date '2012-01-01' + (f.id %% 3000)::int, CASE WHEN f.id %% 2 = 0 THEN 'F' ELSE 'M' END,
       '', '', '', f.id %% 3 = 0, 'nom' || f.id || ' prenom' || f.id, now(), now()
FROM parcours_famille f;

INSERT INTO parcours_parcours (programme_id, enfant_id, statut, orienteur, motifs_orientation,
                               profil_accompagnement, referent_id, date_entree, version,
                               derniere_activite, cree_le, modifie_le, motif_sortie)
SELECT e.programme_id, e.id, 'en_cours', 'ecole', '{resultats_scolaires}', '',
       (SELECT min(id) FROM partenaires_professionnel) + (e.id %% (%(n)s / 100)),
       date '2025-09-01', 1, now(), now(), now(), ''
FROM parcours_enfant e;

INSERT INTO parcours_parcoursuserobjectpermission (permission_id, user_id, content_object_id)
SELECT perm.id, pro.user_id, p.id
FROM parcours_parcours p
JOIN partenaires_professionnel pro ON pro.id = p.referent_id
CROSS JOIN auth_permission perm
WHERE perm.codename IN ('view_parcours', 'change_parcours')
  AND perm.content_type_id = (SELECT id FROM django_content_type
                              WHERE app_label = 'parcours' AND model = 'parcours');

INSERT INTO parcours_parcoursuserobjectpermission (permission_id, user_id, content_object_id, expire_le)
SELECT perm.id, u.id, p.id, date '2099-07-05'
FROM (SELECT id FROM parcours_parcours ORDER BY id LIMIT 30 OFFSET 0) p0
JOIN parcours_parcours p ON p.id = p0.id * 3000 %% (SELECT max(id) FROM parcours_parcours) + 1
CROSS JOIN core_user u
CROSS JOIN auth_permission perm
WHERE u.email = 'partenaire-bench@exemple.test' AND perm.codename = 'view_parcours'
  AND perm.content_type_id = (SELECT id FROM django_content_type
                              WHERE app_label = 'parcours' AND model = 'parcours')
ON CONFLICT DO NOTHING;

INSERT INTO core_programmeuserobjectpermission (permission_id, user_id, content_object_id)
SELECT perm.id, u.id, (SELECT min(id) FROM core_programme)
FROM core_user u CROSS JOIN auth_permission perm
WHERE u.email = 'coordination-bench@exemple.test' AND perm.codename = 'coordonner_programme';
"""


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
