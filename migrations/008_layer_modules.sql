-- opcat catalog, schema 8: the module each layer belongs to, as the exporter's names say it
-- (`layer1.0.conv1` from `/layer1/layer1.0/conv1/Conv`, `stage1.conv0` from a Gluon
-- `resnetv10_stage1_conv0_fwd`, a parameter's module for the dynamo exporter's `node_MatMul_12`),
-- else the layer's own name. NULL for layers stored before schema 8 (ingest them again with
-- --force to fill it).
ALTER TABLE layers ADD COLUMN module TEXT;
UPDATE table_notes SET note = note || ' module is the dotted module path the layer belongs to (empty: the model''s root).' WHERE table_name = 'layers';
