-- opcat catalog, schema 7: what the file system said of a model's file when it was counted
-- (device:inode:size:modified:changed, times in nanoseconds), so a re-ingest skips a file whose
-- status is unchanged without reading it. NULL where the file had changed too recently for its
-- status to stand for its content; the definition's SHA-256 decides then.
ALTER TABLE models ADD COLUMN file_status TEXT CHECK (file_status IS NULL OR length(file_status) > 0);
UPDATE table_notes SET note = note || ' file_status is the file''s device:inode:size:mtime:ctime (ns) when it was counted, to skip reading an unchanged file.' WHERE table_name = 'models';
