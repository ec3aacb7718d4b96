"""Developer commands behind `make run` and `make test` (standard library only).

They run with the project's virtual environment, which `bootstrap.sh` builds from `uv.lock`
first; nothing here is imported by the Django project itself.
"""
