-- What each open case must do next and by when, as its program's rules
-- read its events: kept on the row when a case is opened, a step recorded
-- or a case closed, so that the dashboard's "to do today" and "tomorrow by
-- venue" read a range of one index instead of every case's events. It is
-- derived, never exported: `program_rules` holds a fingerprint of each
-- program's rules as last applied, and a start with a changed file (or a
-- bulk load, which empties it) reads the cases of that program again.
ALTER TABLE program_case ADD COLUMN next_step TEXT;
ALTER TABLE program_case ADD COLUMN next_due_at INTEGER;
CREATE INDEX program_case_due ON program_case(next_due_at, program)
    WHERE status = 'open' AND next_due_at IS NOT NULL;

CREATE TABLE program_rules (
    program     TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL
) STRICT;
