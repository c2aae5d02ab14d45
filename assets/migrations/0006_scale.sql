-- A roster whose cost does not grow with it: screens read a window of rows
-- in their sort order (each sort has an index), the dashboard's figures come
-- from small tallies kept by triggers, and search reads an index of name
-- words kept in the database.

-- The name sort reads (search_name, id) in order; duplicate checks by
-- (search_name, birth date) use it as well.
DROP INDEX person_identity;
CREATE INDEX person_name ON person(search_name);
-- Nationality sort and filter.
CREATE INDEX person_nationality ON person(nationality, search_name);
-- The waiting sort reads the people present by (status, arrival_date);
-- then those who are not, the longest stay first. Arrivals per day come
-- from the tally below: the arrival index goes.
DROP INDEX person_arrival;
CREATE INDEX person_stay
    ON person(julianday(arrival_date) - julianday(coalesce(departure_date, arrival_date)))
    WHERE status <> 'present';

-- People by (arrival day, status, nationality): a few thousand rows that
-- answer the dashboard's counts, the median and longest wait, arrivals per
-- day and the filters' counts, whatever the size of the roster.
CREATE TABLE person_tally (
    arrival_date TEXT NOT NULL,
    status       TEXT NOT NULL,
    nationality  TEXT NOT NULL,
    people       INTEGER NOT NULL CHECK (people > 0),
    PRIMARY KEY (arrival_date, status, nationality)
) STRICT, WITHOUT ROWID;

-- Households with someone present, and how many.
CREATE TABLE household_present (
    household_id INTEGER PRIMARY KEY,
    people       INTEGER NOT NULL CHECK (people > 0)
) STRICT;

-- People whose folded name changed since the search index was brought up
-- to date (the store does that before each of its commits; a row written
-- by another tool waits here for the next one).
CREATE TABLE search_pending (
    person_id INTEGER NOT NULL,
    old_name  TEXT,
    new_name  TEXT
) STRICT;

-- Each word of the folded names, with the people whose name has it (ids
-- ascending, as LEB128 deltas): a search reads the words that contain what
-- was typed, never the roster.
CREATE TABLE search_word (
    word   TEXT PRIMARY KEY,
    people BLOB NOT NULL
) STRICT;

-- The tallies from the rows as they are (the search index is built by the
-- migration's Rust step).
INSERT INTO person_tally
    SELECT arrival_date, status, nationality, count(*) FROM person GROUP BY 1, 2, 3;
INSERT INTO household_present
    SELECT household_id, count(*) FROM person WHERE status = 'present' GROUP BY 1;

CREATE TRIGGER person_counted AFTER INSERT ON person BEGIN
    INSERT INTO person_tally VALUES (new.arrival_date, new.status, new.nationality, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
    INSERT INTO household_present SELECT new.household_id, 1 WHERE new.status = 'present'
        ON CONFLICT DO UPDATE SET people = people + 1;
    INSERT INTO search_pending VALUES (new.id, NULL, new.search_name);
END;

CREATE TRIGGER person_uncounted AFTER DELETE ON person BEGIN
    DELETE FROM person_tally
        WHERE (arrival_date, status, nationality) = (old.arrival_date, old.status, old.nationality)
          AND people = 1;
    UPDATE person_tally SET people = people - 1
        WHERE (arrival_date, status, nationality) = (old.arrival_date, old.status, old.nationality);
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
    DELETE FROM person_tally
        WHERE (arrival_date, status, nationality) = (old.arrival_date, old.status, old.nationality)
          AND people = 1;
    UPDATE person_tally SET people = people - 1
        WHERE (arrival_date, status, nationality) = (old.arrival_date, old.status, old.nationality);
    INSERT INTO person_tally VALUES (new.arrival_date, new.status, new.nationality, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
    DELETE FROM household_present
        WHERE old.status = 'present' AND household_id = old.household_id AND people = 1;
    UPDATE household_present SET people = people - 1
        WHERE old.status = 'present' AND household_id = old.household_id;
    INSERT INTO household_present SELECT new.household_id, 1 WHERE new.status = 'present'
        ON CONFLICT DO UPDATE SET people = people + 1;
END;

CREATE TRIGGER person_renamed AFTER UPDATE OF search_name ON person
WHEN old.search_name IS NOT new.search_name
BEGIN
    INSERT INTO search_pending VALUES (new.id, old.search_name, new.search_name);
END;
