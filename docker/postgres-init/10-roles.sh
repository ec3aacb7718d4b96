#!/bin/sh
# Runs once, when the PostgreSQL volume is created (docker-entrypoint-initdb.d): the two roles of
# reussite/core/privileges.py and the database, owned by the owner role. `migrate` connects as the
# owner and grants the application role its rights (insert-only on the access trail); web,
# worker and beat connect as the application role and never know the owner's password.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set owner_password="$REUSSITE_OWNER_PASSWORD" \
    --set app_password="$REUSSITE_APP_PASSWORD" <<'SQL'
CREATE ROLE reussite_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE reussite_app LOGIN PASSWORD :'app_password';
CREATE DATABASE reussite OWNER reussite_owner;
SQL
