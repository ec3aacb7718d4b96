"""Reading tabular import files and building their templates, for every app."""
