-- A tamper-evident audit trail: each row holds the hash of the row before
-- it and its own (SHA-256 over a version tag, the previous hash and its
-- fields; see domain::audit). Rows written before this version are chained
-- by the migration itself, in id order; then the table takes no UPDATE or
-- DELETE (the triggers come after the backfill, in the same transaction).
ALTER TABLE audit ADD COLUMN prev_hash BLOB;
ALTER TABLE audit ADD COLUMN row_hash BLOB;
