-- The search index by shelter: each word of the folded names with the
-- people of one shelter whose name has it, so that a user of one shelter
-- merges only their shelter's ids (a network-wide list made a scoped search
-- read four times the rows it kept). Built again by the migration's Rust
-- step.
DROP TABLE search_word;
CREATE TABLE search_word (
    word       TEXT NOT NULL,
    shelter_id INTEGER NOT NULL,
    people     BLOB NOT NULL,
    UNIQUE (word, shelter_id)
) STRICT;

-- A person who moves (their household's transfer) is noted like a rename:
-- the index takes their words out of every shelter and puts them in the
-- one the row names when it is brought up to date.
CREATE TRIGGER person_moved_search AFTER UPDATE OF shelter_id ON person
WHEN old.shelter_id IS NOT new.shelter_id
BEGIN
    INSERT INTO search_pending VALUES (new.id, new.search_name, new.search_name);
END;
