-- opcat catalog, schema 3: checkpoints, and the definitions themselves.
--
-- A model is a definition file (an architecture); a checkpoint is a named set of its weights,
-- evaluated at an input of its own, with its pretraining and where it comes from. Accuracy
-- figures belong to a checkpoint. Each model's definition is stored compressed (ONNX without
-- its tensor payloads), so profiles at new inputs can be added from the catalog alone.

CREATE TABLE checkpoints (
    id            INTEGER PRIMARY KEY,
    model_id      INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    name          TEXT NOT NULL CHECK (length(name) > 0),
    eval_input    TEXT NOT NULL CHECK (length(eval_input) > 0), -- the input the figures were measured at, as profiles key it
    crop_fraction REAL CHECK (crop_fraction > 0 AND crop_fraction <= 1),
    interpolation TEXT,                                          -- resize interpolation of the evaluation (bicubic …)
    pretraining   TEXT,                                          -- pretraining tags, comma-separated (in22k, distilled …)
    source        TEXT,                                          -- where the weights come from
    UNIQUE (model_id, name)
);
CREATE INDEX checkpoints_by_model ON checkpoints (model_id);

-- Every schema-2 figure becomes a figure of its model's default checkpoint, named after the
-- model and evaluated at the model's default input.
INSERT INTO checkpoints (model_id, name, eval_input)
SELECT m.id, m.name, m.default_input FROM models m WHERE EXISTS (SELECT 1 FROM metrics x WHERE x.model_id = m.id);

CREATE TABLE checkpoint_metrics (
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id) ON DELETE CASCADE,
    dataset       TEXT NOT NULL CHECK (length(dataset) > 0),
    metric        TEXT NOT NULL CHECK (length(metric) > 0),
    value         REAL NOT NULL,
    source        TEXT NOT NULL CHECK (length(source) > 0),
    PRIMARY KEY (checkpoint_id, dataset, metric)
) WITHOUT ROWID;

INSERT INTO checkpoint_metrics (checkpoint_id, dataset, metric, value, source)
SELECT c.id, x.dataset, x.metric, x.value, x.source
FROM metrics x JOIN checkpoints c ON c.model_id = x.model_id AND c.name = (SELECT name FROM models WHERE id = x.model_id);

DROP VIEW model_summary;
DROP VIEW mxop_summary;
DROP TABLE metrics;
ALTER TABLE checkpoint_metrics RENAME TO metrics;
DELETE FROM table_notes WHERE table_name = 'metrics';

-- The definition file of a model, as counted: zlib-compressed; ONNX with every tensor payload
-- larger than shape inference reads removed (so a 347 MB file costs kilobytes).
CREATE TABLE definitions (
    model_id     INTEGER PRIMARY KEY REFERENCES models(id) ON DELETE CASCADE,
    encoding     TEXT NOT NULL CHECK (encoding = 'zlib'),
    payloads     TEXT NOT NULL CHECK (payloads IN ('kept', 'stripped')),
    stored_bytes INTEGER NOT NULL CHECK (stored_bytes >= 0),        -- the definition's size before compression
    data         BLOB NOT NULL
);

-- Every input key of the catalog split in two, for people and facets: `data:1x3x224x224` →
-- input_name `data`, input_shape `1x3x224x224` (the shape follows the last ':'; a shape is digits
-- and 'x'). A key of several inputs keeps them all in input_shape, with no input_name.
CREATE VIEW input_keys AS
SELECT key,
       CASE WHEN instr(key, ',') = 0 AND substr(rtrim(key, '0123456789x'), -1) = ':'
            THEN substr(key, 1, length(rtrim(key, '0123456789x')) - 1) END AS input_name,
       CASE WHEN instr(key, ',') = 0 AND substr(rtrim(key, '0123456789x'), -1) = ':'
            THEN substr(key, length(rtrim(key, '0123456789x')) + 1)
            ELSE key END AS input_shape
FROM (SELECT input_shape AS key FROM profiles UNION SELECT eval_input FROM checkpoints);

CREATE VIEW model_summary AS
SELECT m.name                                   AS model,
       m.family                                 AS family,
       i.input_name                             AS input_name,
       i.input_shape                            AS input_shape,
       round(p.params / 1e6, 2)                 AS params_m,
       round(p.macs / 1e9, 2)                   AS macs_g,
       round(p.bb_params / 1e6, 2)              AS backbone_params_m,
       round(p.bb_macs / 1e9, 2)                AS backbone_macs_g,
       round(p.flops / 1e9, 2)                  AS gflops,
       c.name                                   AS checkpoint,
       e.input_shape                            AS eval_input,
       (SELECT value FROM metrics x WHERE x.checkpoint_id = c.id AND x.metric = 'top1') AS top1,
       (SELECT value FROM metrics x WHERE x.checkpoint_id = c.id AND x.metric = 'top5') AS top5,
       (SELECT group_concat(DISTINCT x.source) FROM metrics x WHERE x.checkpoint_id = c.id) AS metric_source,
       CASE p.complete WHEN 1 THEN 'yes' ELSE 'no' END AS complete
FROM models m JOIN profiles p ON p.model_id = m.id AND p.convention = 'standard'
JOIN input_keys i ON i.key = p.input_shape
LEFT JOIN checkpoints c ON c.model_id = m.id
LEFT JOIN input_keys e ON e.key = c.eval_input
ORDER BY m.name, p.input_shape, c.name;

-- The seed table's columns (mxop 0.2.0 convention), figures of the checkpoint named after the model.
CREATE VIEW mxop_summary AS
SELECT coalesce(m.display_name, m.name)          AS model,
       i.input_name                             AS input_name,
       i.input_shape                            AS input_shape,
       round(p.params / 1e6, 2)                 AS params_m,
       round(p.muls / 1e9, 2)                   AS muls_g,
       round(p.bb_params / 1e6, 2)              AS backbone_params_m,
       round(p.bb_muls / 1e9, 2)                AS backbone_muls_g,
       (SELECT x.value FROM metrics x JOIN checkpoints c ON c.id = x.checkpoint_id
         WHERE c.model_id = m.id AND c.name = m.name AND x.metric = 'top1') AS top1,
       (SELECT x.value FROM metrics x JOIN checkpoints c ON c.id = x.checkpoint_id
         WHERE c.model_id = m.id AND c.name = m.name AND x.metric = 'top5') AS top5
FROM models m JOIN profiles p ON p.model_id = m.id AND p.convention = 'mxop'
JOIN input_keys i ON i.key = p.input_shape
ORDER BY m.name, p.input_shape;

-- The other views, with the input in two columns too.
DROP VIEW layer_breakdown;
CREATE VIEW layer_breakdown AS
SELECT m.name AS model,
       i.input_name                             AS input_name,
       i.input_shape AS input_shape,
       p.convention AS convention, l.layer_index, l.name AS layer,
       l.source_op AS op, l.output_shapes, l.params, coalesce(l.macs, l.muls) AS cost,
       round(100.0 * coalesce(l.macs, l.muls) / nullif(coalesce(p.macs, p.muls), 0), 2) AS share_pct,
       l.in_backbone
FROM layers l JOIN profiles p ON p.id = l.profile_id JOIN models m ON m.id = p.model_id
JOIN input_keys i ON i.key = p.input_shape;

DROP VIEW quantization_summary;
CREATE VIEW quantization_summary AS
SELECT m.name AS model,
       m.float_parent AS float_parent,
       i.input_name                             AS input_name,
       i.input_shape AS input_shape,
       round(p.macs / 1e9, 3) AS macs_g,
       round(100.0 * coalesce((SELECT sum(x.macs) FROM profile_precisions x WHERE x.profile_id = p.id
                                 AND x.activation_type IN ('int8', 'uint8', 'int4', 'uint4')
                                 AND x.weight_type IN ('int8', 'uint8', 'int4', 'uint4')), 0) / nullif(p.macs, 0), 2) AS low_bit_macs_pct,
       round((SELECT sum(s.bytes) FROM profile_storage s WHERE s.profile_id = p.id) / 1e6, 2) AS stored_mb,
       round(pp.macs / 1e9, 3) AS parent_macs_g,
       round((SELECT sum(s.bytes) FROM profile_storage s WHERE s.profile_id = pp.id) / 1e6, 2) AS parent_stored_mb
FROM models m
JOIN profiles p ON p.model_id = m.id AND p.convention = 'standard'
JOIN input_keys i ON i.key = p.input_shape
LEFT JOIN models mp ON mp.name = m.float_parent
LEFT JOIN profiles pp ON pp.model_id = mp.id AND pp.convention = 'standard' AND pp.input_shape = p.input_shape
ORDER BY coalesce(m.float_parent, m.name), m.float_parent IS NOT NULL, m.name;

INSERT INTO table_notes (table_name, note) VALUES
    ('checkpoints', 'A named set of weights of a model: the input it was evaluated at, crop fraction, interpolation, pretraining tags, source.'),
    ('metrics', 'Accuracy figures of a checkpoint, each with its source.'),
    ('input_keys', 'View: every input key of profiles and checkpoints, split into input_name and input_shape.'),
    ('definitions', 'Each model''s definition file, zlib-compressed (ONNX without tensor payloads): profiles at new inputs come from here.');
UPDATE table_notes SET note = 'View: standard convention, params in M, MACs in G, one row per checkpoint with its evaluation input and figures.'
WHERE table_name = 'model_summary';
