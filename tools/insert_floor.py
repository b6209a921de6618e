#!/usr/bin/env python3
"""The floor for ingest's layer-row writes: SQLite inserting the same rows into the same schema.

usage: insert_floor.py CATALOG DIR

Writes DIR/floor.sqlite (the catalog's schema, its models and profiles, no layers) and
DIR/floor.sql, a script for the sqlite3 shell that inserts every layer row of CATALOG again, one
transaction per model as `opcat ingest` does, with foreign keys on, with SQLite's own
INSERT ... SELECT (no binding, no per-row statement). `make bench` times the script and compares
the rate with ingest's.
"""
import os
import sqlite3
import sys

catalog, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
floor = os.path.join(out, "floor.sqlite")
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(floor + suffix):
        os.remove(floor + suffix)
src = sqlite3.connect(catalog)
tables = [sql for (sql,) in src.execute(
    "SELECT sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
indexes = [sql for (sql,) in src.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")]
model_ids = [i for (i,) in src.execute("SELECT id FROM models ORDER BY id")]
src.close()
dst = sqlite3.connect(floor)
dst.execute("PRAGMA journal_mode = WAL")
for sql in tables + indexes:
    dst.execute(sql)
dst.execute("ATTACH ? AS src", (os.path.abspath(catalog),))
dst.execute("INSERT INTO models SELECT * FROM src.models")
dst.execute("INSERT INTO profiles SELECT * FROM src.profiles")
dst.commit()
dst.close()
with open(os.path.join(out, "floor.sql"), "w") as f:
    f.write("PRAGMA foreign_keys = ON;\n")
    f.write(f"ATTACH '{os.path.abspath(catalog)}' AS src;\n")
    for i in model_ids:
        f.write("BEGIN; INSERT INTO main.layers SELECT l.* FROM src.layers l JOIN src.profiles p ON p.id = l.profile_id"
                f" WHERE p.model_id = {i}; COMMIT;\n")
