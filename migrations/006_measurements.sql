-- opcat catalog, schema 6: measured speed beside counted cost. A measurement belongs to a model
-- at an input on a device, not to a checkpoint: timm's benchmark tables give samples per second
-- per architecture and resolution, on a named GPU or CPU, at one precision and batch size.
CREATE TABLE measurements (
    id          INTEGER PRIMARY KEY,
    model_id    INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    input_shape TEXT NOT NULL CHECK (length(input_shape) > 0),  -- one sample's input, as profiles key it
    device      TEXT NOT NULL CHECK (length(device) > 0),       -- e.g. RTX 4090, Core i9-10940X
    precision   TEXT NOT NULL CHECK (length(precision) > 0),    -- e.g. amp, fp32
    batch_size  INTEGER NOT NULL CHECK (batch_size > 0),
    metric      TEXT NOT NULL CHECK (length(metric) > 0),       -- samples_per_sec, step_time_ms
    value       REAL NOT NULL CHECK (value >= 0),
    source      TEXT NOT NULL CHECK (length(source) > 0),
    UNIQUE (model_id, input_shape, device, precision, batch_size, metric)
) STRICT;
CREATE INDEX measurements_by_model ON measurements (model_id, input_shape);

-- The zoo a model comes from (the manifest's `zoo`: seed, gluoncv, torchvision, timm …).
ALTER TABLE models ADD COLUMN zoo TEXT CHECK (zoo IS NULL OR length(zoo) > 0);
UPDATE table_notes SET note = note || ' zoo names the zoo it was ingested from (its manifest''s zoo).' WHERE table_name = 'models';

INSERT INTO table_notes (table_name, note) VALUES ('measurements',
    'Measured speed of a model at one input (per sample) on a device, at a precision and batch size, with its source: samples_per_sec, step_time_ms.');
