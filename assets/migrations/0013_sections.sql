-- Beds by section: a shelter's space split into sections (men; women with
-- children; families; LGBTQ+ ...), each with its beds, and each person
-- present in one of them (or in none yet).
CREATE TABLE shelter_section (
    id          INTEGER PRIMARY KEY,
    shelter_id  INTEGER NOT NULL REFERENCES shelter(id),
    name        TEXT NOT NULL CHECK (name <> ''),
    capacity    INTEGER NOT NULL CHECK (capacity >= 0),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    UNIQUE (shelter_id, name)
) STRICT;

ALTER TABLE person ADD COLUMN section_id INTEGER REFERENCES shelter_section(id);

-- People present by shelter and section (0: in no section yet), kept by the
-- triggers below. Every change is a signed step (+1, -1) added by upsert, so
-- the sum is right whatever order nested triggers fire in; a row can pass
-- through a negative value inside a statement and rows at 0 are kept.
CREATE TABLE section_tally (
    shelter_id INTEGER NOT NULL,
    section_id INTEGER NOT NULL,
    people     INTEGER NOT NULL,
    PRIMARY KEY (shelter_id, section_id)
) STRICT, WITHOUT ROWID;
INSERT INTO section_tally
    SELECT shelter_id, 0, count(*) FROM person WHERE status = 'present' GROUP BY 1;

CREATE TRIGGER section_counted AFTER INSERT ON person WHEN new.status = 'present' BEGIN
    INSERT INTO section_tally VALUES (new.shelter_id, coalesce(new.section_id, 0), 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
END;

CREATE TRIGGER section_uncounted AFTER DELETE ON person WHEN old.status = 'present' BEGIN
    INSERT INTO section_tally VALUES (old.shelter_id, coalesce(old.section_id, 0), -1)
        ON CONFLICT DO UPDATE SET people = people - 1;
END;

CREATE TRIGGER section_recounted AFTER UPDATE OF status, shelter_id, section_id ON person
WHEN (old.status = 'present', old.shelter_id, old.section_id)
     IS NOT (new.status = 'present', new.shelter_id, new.section_id)
BEGIN
    INSERT INTO section_tally
        SELECT old.shelter_id, coalesce(old.section_id, 0), -1 WHERE old.status = 'present'
        ON CONFLICT DO UPDATE SET people = people - 1;
    INSERT INTO section_tally
        SELECT new.shelter_id, coalesce(new.section_id, 0), 1 WHERE new.status = 'present'
        ON CONFLICT DO UPDATE SET people = people + 1;
END;

-- A section is a place in one shelter: a person who moves to another
-- shelter (their household moved, or they joined a household there) leaves
-- it; the receiving shelter places them (the store does, in the same
-- transaction, from the household's make-up).
CREATE TRIGGER section_left AFTER UPDATE OF shelter_id ON person
WHEN new.section_id IS NOT NULL AND old.shelter_id IS NOT new.shelter_id
BEGIN
    UPDATE person SET section_id = NULL WHERE id = new.id;
END;

-- Someone who leaves keeps the section they were in (the headcount report
-- counts by it); only people present fill beds.

CREATE INDEX person_section ON person(section_id) WHERE section_id IS NOT NULL;
