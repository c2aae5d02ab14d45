-- What each open case must do next and by when, as its program's rules
-- read its events: kept on the row when a case is opened, a step recorded
-- or a case closed, so that the dashboard's "to do today" and "tomorrow by
-- venue" read a range of one index instead of every case's events. It is
-- derived, never exported: `program_rules` holds a fingerprint of each
-- program's rules as last applied, and a start with a changed file (or a
-- bulk load, which empties it) reads the cases of that program again.
ALTER TABLE program_case ADD COLUMN next_step TEXT;
ALTER TABLE program_case ADD COLUMN next_due_at INTEGER;

CREATE TABLE program_rules (
    program     TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL
) STRICT;

-- Whether someone the case is for is at a shelter (the person; for a
-- household's case, anyone of it), and the household's shelter: kept by
-- the triggers below, so that the dashboard's counts read the index alone
-- (no person or household row for each case).
ALTER TABLE program_case ADD COLUMN present INTEGER NOT NULL DEFAULT 0;
ALTER TABLE program_case ADD COLUMN shelter_id INTEGER;
UPDATE program_case SET
    shelter_id = (SELECT h.shelter_id FROM household h WHERE h.id = household_id),
    present = CASE WHEN person_id IS NULL
                   THEN EXISTS (SELECT 1 FROM household_present hp
                                WHERE hp.household_id = program_case.household_id)
                   ELSE coalesce((SELECT q.status = 'present' FROM person q
                                  WHERE q.id = program_case.person_id), 0)
              END;

CREATE TRIGGER program_case_placed AFTER INSERT ON program_case BEGIN
    UPDATE program_case SET
        shelter_id = (SELECT h.shelter_id FROM household h WHERE h.id = new.household_id),
        present = CASE WHEN new.person_id IS NULL
                       THEN EXISTS (SELECT 1 FROM household_present hp
                                    WHERE hp.household_id = new.household_id)
                       ELSE coalesce((SELECT q.status = 'present' FROM person q
                                      WHERE q.id = new.person_id), 0)
                  END
    WHERE id = new.id;
END;

CREATE TRIGGER program_case_person_status AFTER UPDATE OF status ON person
WHEN old.status IS NOT new.status BEGIN
    UPDATE program_case SET present = (new.status = 'present') WHERE person_id = new.id;
END;

CREATE TRIGGER program_case_household_here AFTER INSERT ON household_present BEGIN
    UPDATE program_case SET present = 1
        WHERE household_id = new.household_id AND person_id IS NULL;
END;

CREATE TRIGGER program_case_household_gone AFTER DELETE ON household_present BEGIN
    UPDATE program_case SET present = 0
        WHERE household_id = old.household_id AND person_id IS NULL;
END;

CREATE TRIGGER program_case_household_moved AFTER UPDATE OF shelter_id ON household
WHEN old.shelter_id IS NOT new.shelter_id BEGIN
    UPDATE program_case SET shelter_id = new.shelter_id WHERE household_id = new.id;
END;

-- The dashboard's: the cases of people present by deadline, covering what
-- its counts read (no row is looked up but those of the soonest).
CREATE INDEX program_case_due
    ON program_case(present, next_due_at, program, venue, shelter_id, status)
    WHERE status = 'open' AND next_due_at IS NOT NULL;

-- One number that changes with every change of a case row (a step, a
-- close, a departure or transfer the triggers above write through): the
-- dashboard reads its cases due again only when it moved, not on every
-- commit elsewhere.
CREATE TABLE case_generation (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    n   INTEGER NOT NULL
) STRICT;
INSERT INTO case_generation VALUES (1, 0);
CREATE TRIGGER case_generation_added AFTER INSERT ON program_case BEGIN
    UPDATE case_generation SET n = n + 1;
END;
CREATE TRIGGER case_generation_changed AFTER UPDATE ON program_case BEGIN
    UPDATE case_generation SET n = n + 1;
END;
CREATE TRIGGER case_generation_removed AFTER DELETE ON program_case BEGIN
    UPDATE case_generation SET n = n + 1;
END;
