#!/usr/bin/env python3
"""Grow an opcat catalog to N models for query benchmarks (stdlib only).

The catalog must already hold models (e.g. `opcat ingest data/zoo --db DB`). Their model,
profile, checkpoint and metric rows are copied, with new names and counts scaled by a
deterministic factor, until the catalog has N models. Layers and definitions are not copied:
`table`, `pareto` and `best` read models, profiles, checkpoints and metrics only.

Usage: python3 tools/synthetic_catalog.py N DB
"""

import random
import sqlite3
import sys


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    target, path = int(sys.argv[1]), sys.argv[2]
    db = sqlite3.connect(path)
    db.execute("PRAGMA foreign_keys = ON")
    models = db.execute("SELECT * FROM models ORDER BY id").fetchall()
    model_cols = [d[0] for d in db.execute("SELECT * FROM models LIMIT 0").description]
    profile_cols = [d[0] for d in db.execute("SELECT * FROM profiles LIMIT 0").description]
    count_cols = [c for c in profile_cols if c not in ("id", "model_id", "input_shape", "convention", "convention_version",
                                                       "complete", "layer_count", "backbone_end")]
    rng = random.Random(0)
    existing = db.execute("SELECT count(*) FROM models").fetchone()[0]
    with db:
        for i in range(existing, target):
            source = dict(zip(model_cols, models[i % len(models)]))
            factor = rng.uniform(0.5, 2.0)
            source["name"] = f"synthetic{i:06d}_{source['name']}"
            source.pop("id")
            columns = list(source)
            cur = db.execute(f"INSERT INTO models ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                             [source[c] for c in columns])
            new_id = cur.lastrowid
            old_id = models[i % len(models)][0]
            for row in db.execute("SELECT * FROM profiles WHERE model_id = ?", (old_id,)).fetchall():
                profile = dict(zip(profile_cols, row))
                profile.pop("id")
                profile["model_id"] = new_id
                for c in count_cols:
                    if profile[c] is not None:
                        profile[c] = int(profile[c] * factor)
                if profile["flops"] is not None:
                    profile["flops"] = profile["muls"] + profile["adds"] + profile["divs"] + profile["exps"] + profile["cmps"]
                if profile["bb_flops"] is not None:
                    profile["bb_flops"] = profile["bb_muls"] + profile["bb_adds"] + profile["bb_divs"] + profile["bb_exps"] + profile["bb_cmps"]
                cols = list(profile)
                db.execute(f"INSERT INTO profiles ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", [profile[c] for c in cols])
            for checkpoint_id, name, eval_input in db.execute(
                    "SELECT id, name, eval_input FROM checkpoints WHERE model_id = ?", (old_id,)).fetchall():
                new_checkpoint = db.execute(
                    "INSERT INTO checkpoints (model_id, name, eval_input) VALUES (?, ?, ?)",
                    (new_id, source["name"] if name == models[i % len(models)][1] else name, eval_input)).lastrowid
                for dataset, metric, value, source_text in db.execute(
                        "SELECT dataset, metric, value, source FROM metrics WHERE checkpoint_id = ?",
                        (checkpoint_id,)).fetchall():
                    db.execute("INSERT INTO metrics (checkpoint_id, dataset, metric, value, source) VALUES (?, ?, ?, ?, ?)",
                               (new_checkpoint, dataset, metric, min(1.0, value * rng.uniform(0.95, 1.05)), source_text))
    print(f"synthetic_catalog: {path} now holds {db.execute('SELECT count(*) FROM models').fetchone()[0]} models",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
