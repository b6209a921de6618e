-- opcat catalog, schema 9: views that each hold one counting convention, with column names that
-- say what they hold. layer_breakdown mixed the conventions (two rows per layer) in a `cost`
-- column that was MACs on one row and mxop's muls on the next; it now holds the standard
-- convention's layers with `macs`, and mxop_layer_breakdown holds mxop's with `muls`.
-- checkpoint_costs holds the rows the Datasette canned queries (docs/datasette.yml) rank:
-- each checkpoint with its figures, at the profile of its evaluation input.
DROP VIEW layer_breakdown;
CREATE VIEW layer_breakdown AS
SELECT m.name                                    AS model,
       i.input_name                              AS input_name,
       i.input_shape                             AS input_shape,
       l.layer_index                             AS layer_index,
       l.name                                    AS layer,
       l.module                                  AS module,
       l.op                                      AS op,
       l.source_op                               AS source_op,
       l.output_shapes                           AS output_shapes,
       l.params                                  AS params,
       l.macs                                    AS macs,
       l.flops                                   AS flops,
       l.activations                             AS activations,
       round(100.0 * l.macs / nullif(p.macs, 0), 2) AS macs_share_pct,
       l.in_backbone                             AS in_backbone
FROM layers l JOIN profiles p ON p.id = l.profile_id AND p.convention = 'standard'
JOIN models m ON m.id = p.model_id
JOIN input_keys i ON i.key = p.input_shape;

CREATE VIEW mxop_layer_breakdown AS
SELECT m.name                                    AS model,
       i.input_name                              AS input_name,
       i.input_shape                             AS input_shape,
       l.layer_index                             AS layer_index,
       l.name                                    AS layer,
       l.source_op                               AS op,
       l.output_shapes                           AS output_shapes,
       l.params                                  AS params,
       l.muls                                    AS muls,
       round(100.0 * l.muls / nullif(p.muls, 0), 2) AS muls_share_pct,
       l.in_backbone                             AS in_backbone
FROM layers l JOIN profiles p ON p.id = l.profile_id AND p.convention = 'mxop'
JOIN models m ON m.id = p.model_id
JOIN input_keys i ON i.key = p.input_shape;

CREATE VIEW checkpoint_costs AS
SELECT m.name                                    AS model,
       m.family                                  AS family,
       m.zoo                                     AS zoo,
       c.name                                    AS checkpoint,
       i.input_shape                             AS input_shape,
       p.params                                  AS params,
       p.macs                                    AS macs,
       p.bb_macs                                 AS backbone_macs,
       (SELECT value FROM metrics x WHERE x.checkpoint_id = c.id AND x.metric = 'top1') AS top1,
       (SELECT value FROM metrics x WHERE x.checkpoint_id = c.id AND x.metric = 'top5') AS top5
FROM checkpoints c JOIN models m ON m.id = c.model_id
JOIN profiles p ON p.model_id = m.id AND p.convention = 'standard' AND p.input_shape = c.eval_input
JOIN input_keys i ON i.key = p.input_shape;
