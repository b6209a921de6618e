-- opcat catalog, schema 1: models, their profiles (model × input shape × convention) with
-- totals and backbone totals, per-layer rows, the unsupported-op ledger, and accuracy metrics.
-- Exact integers everywhere in base tables; views below are for people.

-- One model definition file.
CREATE TABLE models (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE CHECK (length(name) > 0),
    display_name      TEXT,
    family            TEXT,
    format            TEXT NOT NULL,
    source_file       TEXT NOT NULL,
    definition_sha256 TEXT NOT NULL CHECK (length(definition_sha256) = 64),
    default_input     TEXT NOT NULL,                   -- the input of its first profile, e.g. data:1x3x224x224
    ingested_at       TEXT NOT NULL,                   -- ISO 8601, UTC
    opcat_version     TEXT NOT NULL
);

-- A model counted at one input shape under one counting convention. Columns a convention does
-- not define are NULL (mxop has no MACs, buffers or comparisons); backbone columns are NULL when
-- no backbone end is known.
CREATE TABLE profiles (
    id                 INTEGER PRIMARY KEY,
    model_id           INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    input_shape        TEXT NOT NULL CHECK (length(input_shape) > 0),
    convention         TEXT NOT NULL CHECK (convention IN ('standard', 'mxop')),
    convention_version INTEGER NOT NULL CHECK (convention_version >= 1),
    complete           INTEGER NOT NULL CHECK (complete IN (0, 1)),
    layer_count        INTEGER NOT NULL CHECK (layer_count >= 0),
    backbone_end       TEXT,
    params             INTEGER NOT NULL CHECK (params >= 0),
    buffers            INTEGER CHECK (buffers >= 0),
    param_bytes        INTEGER CHECK (param_bytes >= 0),
    macs               INTEGER CHECK (macs >= 0),
    muls               INTEGER NOT NULL CHECK (muls >= 0),
    adds               INTEGER NOT NULL CHECK (adds >= 0),
    divs               INTEGER NOT NULL CHECK (divs >= 0),
    exps               INTEGER NOT NULL CHECK (exps >= 0),
    cmps               INTEGER CHECK (cmps >= 0),
    flops              INTEGER CHECK (flops >= 0),
    activations        INTEGER CHECK (activations >= 0),
    bb_params          INTEGER CHECK (bb_params >= 0),
    bb_buffers         INTEGER CHECK (bb_buffers >= 0),
    bb_param_bytes     INTEGER CHECK (bb_param_bytes >= 0),
    bb_macs            INTEGER CHECK (bb_macs >= 0),
    bb_muls            INTEGER CHECK (bb_muls >= 0),
    bb_adds            INTEGER CHECK (bb_adds >= 0),
    bb_divs            INTEGER CHECK (bb_divs >= 0),
    bb_exps            INTEGER CHECK (bb_exps >= 0),
    bb_cmps            INTEGER CHECK (bb_cmps >= 0),
    bb_flops           INTEGER CHECK (bb_flops >= 0),
    bb_activations     INTEGER CHECK (bb_activations >= 0),
    UNIQUE (model_id, input_shape, convention),
    CHECK ((backbone_end IS NULL) = (bb_params IS NULL)),
    CHECK (convention = 'mxop' OR (macs IS NOT NULL AND buffers IS NOT NULL AND flops IS NOT NULL)),
    CHECK (flops IS NULL OR flops = muls + adds + divs + exps + cmps)
);
CREATE INDEX profiles_by_model ON profiles (model_id);

-- One row per operation node of a profile, in topological order.
CREATE TABLE layers (
    profile_id    INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    layer_index   INTEGER NOT NULL CHECK (layer_index >= 0),
    name          TEXT NOT NULL,
    op            TEXT NOT NULL,                       -- canonical op (opcat ops)
    source_op     TEXT NOT NULL,                       -- as the file spells it
    status        TEXT NOT NULL CHECK (status IN ('counted', 'zero_cost', 'unsupported', 'unshaped')),
    input_shapes  TEXT NOT NULL CHECK (json_valid(input_shapes)),
    output_shapes TEXT NOT NULL CHECK (json_valid(output_shapes)),
    params        INTEGER NOT NULL CHECK (params >= 0),
    buffers       INTEGER CHECK (buffers >= 0),
    param_bytes   INTEGER CHECK (param_bytes >= 0),
    macs          INTEGER CHECK (macs >= 0),
    muls          INTEGER NOT NULL CHECK (muls >= 0),
    adds          INTEGER NOT NULL CHECK (adds >= 0),
    divs          INTEGER NOT NULL CHECK (divs >= 0),
    exps          INTEGER NOT NULL CHECK (exps >= 0),
    cmps          INTEGER CHECK (cmps >= 0),
    flops         INTEGER CHECK (flops >= 0),
    activations   INTEGER CHECK (activations >= 0),
    in_backbone   INTEGER NOT NULL CHECK (in_backbone IN (0, 1)),
    PRIMARY KEY (profile_id, layer_index)
) WITHOUT ROWID;

-- Ops outside the registry, per profile: the reason a profile is not complete.
CREATE TABLE unsupported_ops (
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    op          TEXT NOT NULL,
    occurrences INTEGER NOT NULL CHECK (occurrences > 0),
    PRIMARY KEY (profile_id, op)
) WITHOUT ROWID;

-- Accuracy figures, each with where it comes from.
CREATE TABLE metrics (
    id       INTEGER PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    dataset  TEXT NOT NULL CHECK (length(dataset) > 0),
    metric   TEXT NOT NULL CHECK (length(metric) > 0),
    value    REAL NOT NULL,
    source   TEXT NOT NULL CHECK (length(source) > 0),
    UNIQUE (model_id, dataset, metric)
);
CREATE INDEX metrics_by_model ON metrics (model_id);

-- For people: one row per model and input, standard convention, M and G with two decimals.
CREATE VIEW model_summary AS
SELECT m.name                                   AS model,
       m.family                                 AS family,
       p.input_shape                            AS input,
       round(p.params / 1e6, 2)                 AS params_m,
       round(p.macs / 1e9, 2)                   AS macs_g,
       round(p.bb_params / 1e6, 2)              AS backbone_params_m,
       round(p.bb_macs / 1e9, 2)                AS backbone_macs_g,
       round(p.flops / 1e9, 2)                  AS gflops,
       (SELECT value FROM metrics x WHERE x.model_id = m.id AND x.metric = 'top1') AS top1,
       (SELECT value FROM metrics x WHERE x.model_id = m.id AND x.metric = 'top5') AS top5,
       CASE p.complete WHEN 1 THEN 'yes' ELSE 'no' END AS complete
FROM models m JOIN profiles p ON p.model_id = m.id AND p.convention = 'standard'
ORDER BY m.name, p.input_shape;

-- The seed table's columns (mxop 0.2.0 convention).
CREATE VIEW mxop_summary AS
SELECT coalesce(m.display_name, m.name)          AS model,
       p.input_shape                            AS input,
       round(p.params / 1e6, 2)                 AS params_m,
       round(p.muls / 1e9, 2)                   AS muls_g,
       round(p.bb_params / 1e6, 2)              AS backbone_params_m,
       round(p.bb_muls / 1e9, 2)                AS backbone_muls_g,
       (SELECT value FROM metrics x WHERE x.model_id = m.id AND x.metric = 'top1') AS top1,
       (SELECT value FROM metrics x WHERE x.model_id = m.id AND x.metric = 'top5') AS top5
FROM models m JOIN profiles p ON p.model_id = m.id AND p.convention = 'mxop'
ORDER BY m.name, p.input_shape;

-- Where a model spends its MACs: layers with their share of the profile's total.
CREATE VIEW layer_breakdown AS
SELECT m.name AS model, p.input_shape AS input, p.convention AS convention, l.layer_index, l.name AS layer,
       l.source_op AS op, l.output_shapes, l.params, coalesce(l.macs, l.muls) AS cost,
       round(100.0 * coalesce(l.macs, l.muls) / nullif(coalesce(p.macs, p.muls), 0), 2) AS share_pct,
       l.in_backbone
FROM layers l JOIN profiles p ON p.id = l.profile_id JOIN models m ON m.id = p.model_id;

-- Metadata about the tables, for Datasette and the curious.
CREATE TABLE table_notes (
    table_name TEXT PRIMARY KEY,
    note       TEXT NOT NULL
);
INSERT INTO table_notes (table_name, note) VALUES
    ('models', 'One model definition file; definition_sha256 identifies its content.'),
    ('profiles', 'A model counted at one input shape under one convention (standard or mxop 0.2.0); bb_* columns are the backbone.'),
    ('layers', 'Per-layer counts of a profile, in topological order; in_backbone marks the backbone.'),
    ('unsupported_ops', 'Ops opcat does not count, per profile; a profile with any is not complete.'),
    ('metrics', 'Accuracy figures with their source.'),
    ('model_summary', 'View: standard convention, params in M, MACs in G.'),
    ('mxop_summary', 'View: the seed table columns (mxop 0.2.0 convention).'),
    ('layer_breakdown', 'View: layers with their share of the profile total.');
