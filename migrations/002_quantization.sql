-- opcat catalog, schema 2: quantized models. Each profile keeps its MACs by precision (the
-- element types multiplied) and its stored tensors by type; a quantized model names the float
-- model it was made from.

ALTER TABLE models ADD COLUMN float_parent TEXT;        -- the float model's name, for quantized models

ALTER TABLE layers ADD COLUMN precision TEXT;           -- activation×weight types of a layer with MACs, e.g. uint8×int8

CREATE TABLE profile_precisions (
    profile_id      INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    activation_type TEXT NOT NULL,
    weight_type     TEXT NOT NULL,
    macs            INTEGER NOT NULL CHECK (macs >= 0),
    bops            INTEGER NOT NULL CHECK (bops >= 0),  -- MACs × activation bits × weight bits
    PRIMARY KEY (profile_id, activation_type, weight_type)
) WITHOUT ROWID;

CREATE TABLE profile_storage (
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    data_type  TEXT NOT NULL,
    elements   INTEGER NOT NULL CHECK (elements >= 0),   -- params and buffers stored in this type
    bytes      INTEGER NOT NULL CHECK (bytes >= 0),
    PRIMARY KEY (profile_id, data_type)
) WITHOUT ROWID;

-- For people: each model's MACs at 8 bits or fewer and its stored bytes, beside its float parent.
CREATE VIEW quantization_summary AS
SELECT m.name AS model,
       m.float_parent AS float_parent,
       p.input_shape AS input,
       round(p.macs / 1e9, 3) AS macs_g,
       round(100.0 * coalesce((SELECT sum(x.macs) FROM profile_precisions x WHERE x.profile_id = p.id
                                 AND x.activation_type IN ('int8', 'uint8', 'int4', 'uint4')
                                 AND x.weight_type IN ('int8', 'uint8', 'int4', 'uint4')), 0) / nullif(p.macs, 0), 2) AS low_bit_macs_pct,
       round((SELECT sum(s.bytes) FROM profile_storage s WHERE s.profile_id = p.id) / 1e6, 2) AS stored_mb,
       round(pp.macs / 1e9, 3) AS parent_macs_g,
       round((SELECT sum(s.bytes) FROM profile_storage s WHERE s.profile_id = pp.id) / 1e6, 2) AS parent_stored_mb
FROM models m
JOIN profiles p ON p.model_id = m.id AND p.convention = 'standard'
LEFT JOIN models mp ON mp.name = m.float_parent
LEFT JOIN profiles pp ON pp.model_id = mp.id AND pp.convention = 'standard' AND pp.input_shape = p.input_shape
ORDER BY coalesce(m.float_parent, m.name), m.float_parent IS NOT NULL, m.name;

INSERT INTO table_notes (table_name, note) VALUES
    ('profile_precisions', 'MACs of a standard profile by the element types multiplied (activation × weight), with bit operations.'),
    ('profile_storage', 'Params and buffers of a standard profile by storage type: elements and bytes.'),
    ('quantization_summary', 'View: MACs at 8 bits or fewer and stored megabytes, beside the float parent.');
