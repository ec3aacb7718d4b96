# syntax=docker/dockerfile:1
# Production image: gunicorn serves Django, whitenoise serves the collected static files.
# The same image runs the Celery worker and beat (see docker-compose.yml).

ARG PYTHON_IMAGE=python:3.12-slim-bookworm

# --- build: psycopg2 has no Linux wheel, it compiles against libpq ----------------------------
FROM ${PYTHON_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev libpq-dev \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
ENV UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy
COPY pyproject.toml uv.lock .python-version ./
# --frozen: exactly the lock file; --no-dev: no test tools in production.
RUN uv sync --frozen --no-dev --python /usr/local/bin/python3.12

# --- runtime ----------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
# `manage.py sauvegarder` and `restaurer` need the pg_dump and pg_restore of the database
# server's major version: 15, as docker-compose.yml's `db` (Debian bookworm ships it). Change
# both together.
ARG PG_CLIENT=postgresql-client-15
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ${PG_CLIENT} \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --uid 1000 --user-group reussite
WORKDIR /app
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DJANGO_SETTINGS_MODULE=reussite.settings.prod \
    MEDIA_ROOT=/app/var/media \
    EXPORTS_ROOT=/app/var/exports \
    FORWARDED_ALLOW_IPS=127.0.0.1,::1
COPY --from=build /app/.venv /app/.venv
# The whole project minus what .dockerignore leaves out (tests, local data, environments).
COPY . .
# The production settings refuse to load without their variables; these placeholders exist only
# for this build step (collectstatic reads no secret and opens no database connection).
RUN SECRET_KEY=collectstatic-only-placeholder-not-a-secret-0123456789abcdef \
    ALLOWED_HOSTS=localhost \
    SITE_URL=https://localhost \
    DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /app/var/exports \
    && chown -R reussite:reussite /app/var
USER reussite
EXPOSE 8000
# gunicorn believes X-Forwarded-Proto only from the addresses in FORWARDED_ALLOW_IPS (it reads
# that variable itself): set it to the TLS proxy's address when running the image.
CMD ["gunicorn", "reussite.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
