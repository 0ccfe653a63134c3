"""The floor under every domain module: how data moves to and from the database in bulk.

``copy`` loads rows into temporary tables (PostgreSQL's COPY, as text or binary; executemany on
SQLite), ``columnar`` moves whole columns between queries and numpy, ``locks`` holds the locks
that keep writers from crossing. Nothing here knows a model of the apps above it.
"""
