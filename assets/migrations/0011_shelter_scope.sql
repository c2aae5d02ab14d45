-- A network of shelters: a coordinator sees the shelters they are assigned
-- to, and the dashboard's figures are theirs alone.
--
-- Each person and appointment carries its household's shelter (kept by the
-- triggers below when a household moves or a person changes household), so
-- that a read scoped to some shelters filters on the row itself and every
-- tally can be counted by shelter: the dashboard of one shelter reads as few
-- rows as the network's.

-- Users: network-wide (every shelter) or the shelters listed for them.
-- Users already registered keep seeing what they saw: every shelter.
ALTER TABLE coordinator ADD COLUMN network INTEGER NOT NULL DEFAULT 1 CHECK (network IN (0, 1));
CREATE TABLE coordinator_shelter (
    coordinator_id INTEGER NOT NULL REFERENCES coordinator(id) ON DELETE CASCADE,
    shelter_id     INTEGER NOT NULL REFERENCES shelter(id),
    PRIMARY KEY (coordinator_id, shelter_id)
) STRICT, WITHOUT ROWID;

-- The household's shelter, on the rows read by shelter. (No REFERENCES: a
-- column added with a default cannot have one; `albergue check` compares it
-- with the household's.)
ALTER TABLE person ADD COLUMN shelter_id INTEGER NOT NULL DEFAULT 0;
UPDATE person SET shelter_id = (SELECT h.shelter_id FROM household h WHERE h.id = person.household_id);
ALTER TABLE appointment ADD COLUMN shelter_id INTEGER NOT NULL DEFAULT 0;
UPDATE appointment
    SET shelter_id = (SELECT h.shelter_id FROM household h WHERE h.id = appointment.household_id);
CREATE INDEX person_shelter ON person(shelter_id, status);

-- The tallies again, each by shelter.
DROP TRIGGER person_counted;
DROP TRIGGER person_uncounted;
DROP TRIGGER person_recounted;
DROP TRIGGER present_household_added;
DROP TRIGGER present_household_removed;
DROP TRIGGER slot_added;
DROP TRIGGER slot_counted;
DROP TRIGGER slot_uncounted;
DROP TRIGGER pending_added;
DROP TRIGGER pending_counted;
DROP TRIGGER pending_uncounted;
DROP INDEX appointment_open;
DROP TABLE arrival_tally;
DROP TABLE nationality_tally;
DROP TABLE present_households;
DROP TABLE slot_tally;
DROP TABLE pending_tally;

CREATE TABLE arrival_tally (
    status       TEXT NOT NULL,
    arrival_date TEXT NOT NULL,
    shelter_id   INTEGER NOT NULL,
    people       INTEGER NOT NULL CHECK (people > 0),
    PRIMARY KEY (status, arrival_date, shelter_id)
) STRICT, WITHOUT ROWID;
INSERT INTO arrival_tally
    SELECT status, arrival_date, shelter_id, count(*) FROM person GROUP BY 1, 2, 3;

CREATE TABLE nationality_tally (
    status      TEXT NOT NULL,
    nationality TEXT NOT NULL,
    shelter_id  INTEGER NOT NULL,
    people      INTEGER NOT NULL CHECK (people > 0),
    PRIMARY KEY (status, nationality, shelter_id)
) STRICT, WITHOUT ROWID;
INSERT INTO nationality_tally
    SELECT status, nationality, shelter_id, count(*) FROM person GROUP BY 1, 2, 3;

-- Households with someone present, by shelter.
CREATE TABLE present_households (
    shelter_id INTEGER PRIMARY KEY,
    households INTEGER NOT NULL CHECK (households >= 0)
) STRICT;
INSERT INTO present_households
    SELECT h.shelter_id, count(*) FROM household_present p JOIN household h ON h.id = p.household_id
    GROUP BY 1;

CREATE TABLE slot_tally (
    port_code      TEXT NOT NULL,
    appointment_at INTEGER NOT NULL,
    shelter_id     INTEGER NOT NULL,
    people         INTEGER NOT NULL CHECK (people > 0),
    PRIMARY KEY (port_code, appointment_at, shelter_id)
) STRICT, WITHOUT ROWID;
INSERT INTO slot_tally
    SELECT port_code, appointment_at, shelter_id, count(*) FROM appointment
    WHERE status IN ('pending_confirmation', 'confirmed') AND for_present = 1
    GROUP BY 1, 2, 3;

CREATE TABLE pending_tally (
    deadline_bucket INTEGER NOT NULL,
    port_code       TEXT NOT NULL,
    shelter_id      INTEGER NOT NULL,
    people          INTEGER NOT NULL CHECK (people > 0),
    PRIMARY KEY (deadline_bucket, port_code, shelter_id)
) STRICT, WITHOUT ROWID;
INSERT INTO pending_tally
    SELECT max(confirm_deadline, coalesce(extended_until, 0)) / 600, port_code, shelter_id, count(*)
    FROM appointment
    WHERE status = 'pending_confirmation' AND for_present = 1
    GROUP BY 1, 2, 3;

CREATE INDEX appointment_open
    ON appointment(max(confirm_deadline, coalesce(extended_until, 0)), port_code, allocated_at,
                   status, for_present, shelter_id)
    WHERE status = 'pending_confirmation' AND for_present = 1;

-- A household moves to another shelter: its people and appointments go
-- with it (each row's own trigger moves its counts), and so does its count
-- among the households present.
CREATE TRIGGER household_moved AFTER UPDATE OF shelter_id ON household
WHEN old.shelter_id IS NOT new.shelter_id
BEGIN
    UPDATE present_households SET households = households - 1
        WHERE shelter_id = old.shelter_id
          AND EXISTS (SELECT 1 FROM household_present WHERE household_id = new.id);
    INSERT INTO present_households
        SELECT new.shelter_id, 1
        WHERE EXISTS (SELECT 1 FROM household_present WHERE household_id = new.id)
        ON CONFLICT DO UPDATE SET households = households + 1;
    UPDATE person SET shelter_id = new.shelter_id WHERE household_id = new.id;
    UPDATE appointment SET shelter_id = new.shelter_id WHERE household_id = new.id;
END;

-- A person or an appointment put in another household takes its shelter.
CREATE TRIGGER person_rehoused AFTER UPDATE OF household_id ON person
WHEN old.household_id IS NOT new.household_id
BEGIN
    UPDATE person SET shelter_id = (SELECT shelter_id FROM household WHERE id = new.household_id)
        WHERE id = new.id;
END;
-- An appointment written by another tool, without its shelter, takes its
-- household's, as it takes its mark (0007's appointment_placed, made again
-- here to set both; albergue writes both, and then this changes nothing).
-- A person so written is found by `albergue check` (person.shelter_id) and
-- counted again by `albergue check --repair`.
DROP TRIGGER appointment_placed;
CREATE TRIGGER appointment_placed AFTER INSERT ON appointment BEGIN
    UPDATE appointment SET
        for_present = CASE
            WHEN new.person_id IS NULL
                THEN EXISTS (SELECT 1 FROM household_present h WHERE h.household_id = new.household_id)
            ELSE coalesce((SELECT p.status = 'present' FROM person p WHERE p.id = new.person_id), 0)
        END,
        shelter_id = coalesce((SELECT shelter_id FROM household WHERE id = new.household_id), 0)
    WHERE id = new.id;
END;
CREATE TRIGGER appointment_rehoused AFTER UPDATE OF household_id ON appointment
WHEN old.household_id IS NOT new.household_id
BEGIN
    UPDATE appointment
        SET shelter_id = (SELECT shelter_id FROM household WHERE id = new.household_id)
        WHERE id = new.id;
END;

CREATE TRIGGER present_household_added AFTER INSERT ON household_present BEGIN
    INSERT INTO present_households
        SELECT shelter_id, 1 FROM household WHERE id = new.household_id
        ON CONFLICT DO UPDATE SET households = households + 1;
END;
CREATE TRIGGER present_household_removed AFTER DELETE ON household_present BEGIN
    UPDATE present_households SET households = households - 1
        WHERE shelter_id = (SELECT shelter_id FROM household WHERE id = old.household_id);
END;

CREATE TRIGGER person_counted AFTER INSERT ON person BEGIN
    INSERT INTO arrival_tally VALUES (new.status, new.arrival_date, new.shelter_id, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
    INSERT INTO nationality_tally VALUES (new.status, new.nationality, new.shelter_id, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
    INSERT INTO household_present SELECT new.household_id, 1 WHERE new.status = 'present'
        ON CONFLICT DO UPDATE SET people = people + 1;
    INSERT INTO search_pending VALUES (new.id, NULL, new.search_name);
END;

CREATE TRIGGER person_uncounted AFTER DELETE ON person BEGIN
    DELETE FROM arrival_tally
        WHERE (status, arrival_date, shelter_id) = (old.status, old.arrival_date, old.shelter_id)
          AND people = 1;
    UPDATE arrival_tally SET people = people - 1
        WHERE (status, arrival_date, shelter_id) = (old.status, old.arrival_date, old.shelter_id);
    DELETE FROM nationality_tally
        WHERE (status, nationality, shelter_id) = (old.status, old.nationality, old.shelter_id)
          AND people = 1;
    UPDATE nationality_tally SET people = people - 1
        WHERE (status, nationality, shelter_id) = (old.status, old.nationality, old.shelter_id);
    DELETE FROM household_present
        WHERE old.status = 'present' AND household_id = old.household_id AND people = 1;
    UPDATE household_present SET people = people - 1
        WHERE old.status = 'present' AND household_id = old.household_id;
    INSERT INTO search_pending VALUES (old.id, old.search_name, NULL);
END;

CREATE TRIGGER person_recounted
AFTER UPDATE OF arrival_date, status, nationality, household_id, shelter_id ON person
WHEN (old.arrival_date, old.status, old.nationality, old.household_id, old.shelter_id)
     IS NOT (new.arrival_date, new.status, new.nationality, new.household_id, new.shelter_id)
BEGIN
    DELETE FROM arrival_tally
        WHERE (status, arrival_date, shelter_id) = (old.status, old.arrival_date, old.shelter_id)
          AND people = 1;
    UPDATE arrival_tally SET people = people - 1
        WHERE (status, arrival_date, shelter_id) = (old.status, old.arrival_date, old.shelter_id);
    INSERT INTO arrival_tally VALUES (new.status, new.arrival_date, new.shelter_id, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
    DELETE FROM nationality_tally
        WHERE (status, nationality, shelter_id) = (old.status, old.nationality, old.shelter_id)
          AND people = 1;
    UPDATE nationality_tally SET people = people - 1
        WHERE (status, nationality, shelter_id) = (old.status, old.nationality, old.shelter_id);
    INSERT INTO nationality_tally VALUES (new.status, new.nationality, new.shelter_id, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
    -- (Not when only the shelter changed: the household moved whole, and
    -- household_moved moved its count.)
    DELETE FROM household_present
        WHERE (old.household_id, old.status) IS NOT (new.household_id, new.status)
          AND old.status = 'present' AND household_id = old.household_id AND people = 1;
    UPDATE household_present SET people = people - 1
        WHERE (old.household_id, old.status) IS NOT (new.household_id, new.status)
          AND old.status = 'present' AND household_id = old.household_id;
    INSERT INTO household_present SELECT new.household_id, 1
        WHERE (old.household_id, old.status) IS NOT (new.household_id, new.status)
          AND new.status = 'present'
        ON CONFLICT DO UPDATE SET people = people + 1;
END;

CREATE TRIGGER slot_added AFTER INSERT ON appointment
WHEN new.for_present = 1 AND new.status IN ('pending_confirmation', 'confirmed')
BEGIN
    INSERT INTO slot_tally VALUES (new.port_code, new.appointment_at, new.shelter_id, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
END;

CREATE TRIGGER slot_counted
AFTER UPDATE OF status, port_code, appointment_at, for_present, shelter_id ON appointment
WHEN (old.status, old.port_code, old.appointment_at, old.for_present, old.shelter_id)
     IS NOT (new.status, new.port_code, new.appointment_at, new.for_present, new.shelter_id)
BEGIN
    DELETE FROM slot_tally
        WHERE old.for_present = 1 AND old.status IN ('pending_confirmation', 'confirmed')
          AND (port_code, appointment_at, shelter_id)
              = (old.port_code, old.appointment_at, old.shelter_id)
          AND people = 1;
    UPDATE slot_tally SET people = people - 1
        WHERE old.for_present = 1 AND old.status IN ('pending_confirmation', 'confirmed')
          AND (port_code, appointment_at, shelter_id)
              = (old.port_code, old.appointment_at, old.shelter_id);
    INSERT INTO slot_tally
        SELECT new.port_code, new.appointment_at, new.shelter_id, 1
        WHERE new.for_present = 1 AND new.status IN ('pending_confirmation', 'confirmed')
        ON CONFLICT DO UPDATE SET people = people + 1;
END;

CREATE TRIGGER slot_uncounted AFTER DELETE ON appointment
WHEN old.for_present = 1 AND old.status IN ('pending_confirmation', 'confirmed')
BEGIN
    DELETE FROM slot_tally
        WHERE (port_code, appointment_at, shelter_id)
              = (old.port_code, old.appointment_at, old.shelter_id)
          AND people = 1;
    UPDATE slot_tally SET people = people - 1
        WHERE (port_code, appointment_at, shelter_id)
              = (old.port_code, old.appointment_at, old.shelter_id);
END;

CREATE TRIGGER pending_added AFTER INSERT ON appointment
WHEN new.for_present = 1 AND new.status = 'pending_confirmation'
BEGIN
    INSERT INTO pending_tally
        VALUES (max(new.confirm_deadline, coalesce(new.extended_until, 0)) / 600, new.port_code,
                new.shelter_id, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
END;

CREATE TRIGGER pending_counted
AFTER UPDATE OF status, for_present, confirm_deadline, extended_until, port_code, shelter_id
ON appointment
WHEN (old.status, old.for_present, old.confirm_deadline, old.extended_until, old.port_code,
      old.shelter_id)
     IS NOT (new.status, new.for_present, new.confirm_deadline, new.extended_until, new.port_code,
             new.shelter_id)
BEGIN
    DELETE FROM pending_tally
        WHERE old.for_present = 1 AND old.status = 'pending_confirmation'
          AND deadline_bucket = max(old.confirm_deadline, coalesce(old.extended_until, 0)) / 600
          AND port_code = old.port_code AND shelter_id = old.shelter_id AND people = 1;
    UPDATE pending_tally SET people = people - 1
        WHERE old.for_present = 1 AND old.status = 'pending_confirmation'
          AND deadline_bucket = max(old.confirm_deadline, coalesce(old.extended_until, 0)) / 600
          AND port_code = old.port_code AND shelter_id = old.shelter_id;
    INSERT INTO pending_tally
        SELECT max(new.confirm_deadline, coalesce(new.extended_until, 0)) / 600, new.port_code,
               new.shelter_id, 1
        WHERE new.for_present = 1 AND new.status = 'pending_confirmation'
        ON CONFLICT DO UPDATE SET people = people + 1;
END;

CREATE TRIGGER pending_uncounted AFTER DELETE ON appointment
WHEN old.for_present = 1 AND old.status = 'pending_confirmation'
BEGIN
    DELETE FROM pending_tally
        WHERE deadline_bucket = max(old.confirm_deadline, coalesce(old.extended_until, 0)) / 600
          AND port_code = old.port_code AND shelter_id = old.shelter_id AND people = 1;
    UPDATE pending_tally SET people = people - 1
        WHERE deadline_bucket = max(old.confirm_deadline, coalesce(old.extended_until, 0)) / 600
          AND port_code = old.port_code AND shelter_id = old.shelter_id;
END;
