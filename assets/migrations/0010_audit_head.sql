-- The newest audit row as it was recorded: its id and hash, kept by a
-- trigger in the transaction that appends it. `albergue check` compares it
-- with a walk of the chain, so removing the newest rows (after dropping
-- the append-only triggers) is found even though what is left is a whole
-- chain. Someone who can write the file can also rewrite this row and
-- recreate every trigger as it was: only the head an export recorded in
-- its signed manifest, kept elsewhere, finds that (`audit verify`).
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    rows INTEGER NOT NULL,
    head BLOB
);
INSERT INTO audit_head (id, rows, head)
    SELECT 1, coalesce(max(id), 0), (SELECT row_hash FROM audit ORDER BY id DESC LIMIT 1)
    FROM audit;
CREATE TRIGGER audit_head_follows AFTER INSERT ON audit
BEGIN UPDATE audit_head SET rows = NEW.id, head = NEW.row_hash WHERE id = 1; END;
