-- opcat catalog, schema 5: a profile whose sizes depend on the data (NonZero, TopK with a
-- computed k, non-maximum suppression …) holds upper bounds, not exact counts, and says where.
ALTER TABLE profiles ADD COLUMN upper_bound TEXT CHECK (upper_bound IS NULL OR length(upper_bound) > 0);

UPDATE table_notes SET note = note || ' A profile with upper_bound set holds upper bounds: the nodes named there have sizes that depend on the data, taken at their largest.'
WHERE table_name = 'profiles';
