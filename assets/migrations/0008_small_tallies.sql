-- The dashboard's and the roster's counts from tallies of a few hundred rows
-- at most, so that another coordinator's commit costs the watching screens a
-- few small reads however large the roster is.

-- Pending confirmations for someone present, by the ten minutes their
-- effective deadline (the extension counts) falls in, and port. Those still
-- open at an instant are the buckets after its own, plus the rows of its
-- own bucket past it (read on appointment_open); those an outage of some
-- ports puts at risk, the same by port.
CREATE TABLE pending_tally (
    deadline_bucket INTEGER NOT NULL,
    port_code       TEXT NOT NULL,
    people          INTEGER NOT NULL CHECK (people > 0),
    PRIMARY KEY (deadline_bucket, port_code)
) STRICT, WITHOUT ROWID;
INSERT INTO pending_tally
    SELECT max(confirm_deadline, coalesce(extended_until, 0)) / 600, port_code, count(*)
    FROM appointment
    WHERE status = 'pending_confirmation' AND for_present = 1
    GROUP BY 1, 2;

CREATE TRIGGER pending_added AFTER INSERT ON appointment
WHEN new.for_present = 1 AND new.status = 'pending_confirmation'
BEGIN
    INSERT INTO pending_tally
        VALUES (max(new.confirm_deadline, coalesce(new.extended_until, 0)) / 600, new.port_code, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
END;

CREATE TRIGGER pending_counted
AFTER UPDATE OF status, for_present, confirm_deadline, extended_until, port_code ON appointment
WHEN (old.status, old.for_present, old.confirm_deadline, old.extended_until, old.port_code)
     IS NOT (new.status, new.for_present, new.confirm_deadline, new.extended_until, new.port_code)
BEGIN
    DELETE FROM pending_tally
        WHERE old.for_present = 1 AND old.status = 'pending_confirmation'
          AND deadline_bucket = max(old.confirm_deadline, coalesce(old.extended_until, 0)) / 600
          AND port_code = old.port_code AND people = 1;
    UPDATE pending_tally SET people = people - 1
        WHERE old.for_present = 1 AND old.status = 'pending_confirmation'
          AND deadline_bucket = max(old.confirm_deadline, coalesce(old.extended_until, 0)) / 600
          AND port_code = old.port_code;
    INSERT INTO pending_tally
        SELECT max(new.confirm_deadline, coalesce(new.extended_until, 0)) / 600, new.port_code, 1
        WHERE new.for_present = 1 AND new.status = 'pending_confirmation'
        ON CONFLICT DO UPDATE SET people = people + 1;
END;

CREATE TRIGGER pending_uncounted AFTER DELETE ON appointment
WHEN old.for_present = 1 AND old.status = 'pending_confirmation'
BEGIN
    DELETE FROM pending_tally
        WHERE deadline_bucket = max(old.confirm_deadline, coalesce(old.extended_until, 0)) / 600
          AND port_code = old.port_code AND people = 1;
    UPDATE pending_tally SET people = people - 1
        WHERE deadline_bucket = max(old.confirm_deadline, coalesce(old.extended_until, 0)) / 600
          AND port_code = old.port_code;
END;

-- How many households have someone present (household_present's rows,
-- which count(*) would walk: 290,000 of them at a million people).
CREATE TABLE present_households (
    one        INTEGER PRIMARY KEY CHECK (one = 1),
    households INTEGER NOT NULL CHECK (households >= 0)
) STRICT;
INSERT INTO present_households SELECT 1, count(*) FROM household_present;

CREATE TRIGGER present_household_added AFTER INSERT ON household_present BEGIN
    UPDATE present_households SET households = households + 1;
END;

CREATE TRIGGER present_household_removed AFTER DELETE ON household_present BEGIN
    UPDATE present_households SET households = households - 1;
END;

-- person_tally (arrival day × status × nationality: 8,500 rows at a million
-- demo people) is split in the two tallies its readers need, each a few
-- hundred rows or fewer: arrivals by status and day for the dashboard,
-- people by status and nationality for the roster's counts and filter.
CREATE TABLE arrival_tally (
    status       TEXT NOT NULL,
    arrival_date TEXT NOT NULL,
    people       INTEGER NOT NULL CHECK (people > 0),
    PRIMARY KEY (status, arrival_date)
) STRICT, WITHOUT ROWID;
INSERT INTO arrival_tally
    SELECT status, arrival_date, sum(people) FROM person_tally GROUP BY 1, 2;

CREATE TABLE nationality_tally (
    status      TEXT NOT NULL,
    nationality TEXT NOT NULL,
    people      INTEGER NOT NULL CHECK (people > 0),
    PRIMARY KEY (status, nationality)
) STRICT, WITHOUT ROWID;
INSERT INTO nationality_tally
    SELECT status, nationality, sum(people) FROM person_tally GROUP BY 1, 2;

DROP TRIGGER person_counted;
DROP TRIGGER person_uncounted;
DROP TRIGGER person_recounted;
DROP TABLE person_tally;

CREATE TRIGGER person_counted AFTER INSERT ON person BEGIN
    INSERT INTO arrival_tally VALUES (new.status, new.arrival_date, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
    INSERT INTO nationality_tally VALUES (new.status, new.nationality, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
    INSERT INTO household_present SELECT new.household_id, 1 WHERE new.status = 'present'
        ON CONFLICT DO UPDATE SET people = people + 1;
    INSERT INTO search_pending VALUES (new.id, NULL, new.search_name);
END;

CREATE TRIGGER person_uncounted AFTER DELETE ON person BEGIN
    DELETE FROM arrival_tally
        WHERE (status, arrival_date) = (old.status, old.arrival_date) AND people = 1;
    UPDATE arrival_tally SET people = people - 1
        WHERE (status, arrival_date) = (old.status, old.arrival_date);
    DELETE FROM nationality_tally
        WHERE (status, nationality) = (old.status, old.nationality) AND people = 1;
    UPDATE nationality_tally SET people = people - 1
        WHERE (status, nationality) = (old.status, old.nationality);
    DELETE FROM household_present
        WHERE old.status = 'present' AND household_id = old.household_id AND people = 1;
    UPDATE household_present SET people = people - 1
        WHERE old.status = 'present' AND household_id = old.household_id;
    INSERT INTO search_pending VALUES (old.id, old.search_name, NULL);
END;

CREATE TRIGGER person_recounted
AFTER UPDATE OF arrival_date, status, nationality, household_id ON person
WHEN (old.arrival_date, old.status, old.nationality, old.household_id)
     IS NOT (new.arrival_date, new.status, new.nationality, new.household_id)
BEGIN
    DELETE FROM arrival_tally
        WHERE (status, arrival_date) = (old.status, old.arrival_date) AND people = 1;
    UPDATE arrival_tally SET people = people - 1
        WHERE (status, arrival_date) = (old.status, old.arrival_date);
    INSERT INTO arrival_tally VALUES (new.status, new.arrival_date, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
    DELETE FROM nationality_tally
        WHERE (status, nationality) = (old.status, old.nationality) AND people = 1;
    UPDATE nationality_tally SET people = people - 1
        WHERE (status, nationality) = (old.status, old.nationality);
    INSERT INTO nationality_tally VALUES (new.status, new.nationality, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
    DELETE FROM household_present
        WHERE old.status = 'present' AND household_id = old.household_id AND people = 1;
    UPDATE household_present SET people = people - 1
        WHERE old.status = 'present' AND household_id = old.household_id;
    INSERT INTO household_present SELECT new.household_id, 1 WHERE new.status = 'present'
        ON CONFLICT DO UPDATE SET people = people + 1;
END;

-- The dashboard reads slot_tally by its key, a time range for each port
-- (looking each row of this index up in the table cost it more than the
-- range scans).
DROP INDEX slot_tally_when;

-- Pending appointments are read for someone present, on appointment_open;
-- nothing reads them by (status, deadline) any more.
DROP INDEX appointment_status_deadline;
