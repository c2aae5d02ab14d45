-- Appointment programs as data (assets/programs/*.toml and a shelter's
-- own files). CBP One's cases stay the appointment rows they always were:
-- each now names its program, and every row made before programs were
-- files is CBP One's. The cases of every other program (a COMAR claim, a
-- humanitarian visa, a return, a consular date) are a case row and the
-- events of its steps: what happened when, from which the program's rules
-- tell what is due next and by when.
ALTER TABLE appointment ADD COLUMN program TEXT NOT NULL DEFAULT 'cbp-one'
    CHECK (program <> '');

CREATE TABLE program_case (
    id           INTEGER PRIMARY KEY,
    -- The program's id (its file's `id`).
    program      TEXT NOT NULL CHECK (program <> ''),
    household_id INTEGER NOT NULL REFERENCES household(id),
    -- One person's case; NULL: the household's.
    person_id    INTEGER REFERENCES person(id),
    -- A venue `code` of the program (an office, a consulate).
    venue        TEXT NOT NULL CHECK (venue <> ''),
    -- A number the program gave (a claim or visa number), if any.
    reference    TEXT NOT NULL DEFAULT '',
    -- The date and time given for its appointment, if any (UTC seconds).
    scheduled_at INTEGER,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_at    INTEGER,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    updated_by   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
) STRICT;
CREATE INDEX program_case_household ON program_case(household_id, status);
CREATE INDEX program_case_person ON program_case(person_id) WHERE person_id IS NOT NULL;
-- One open case a person (or household) in a program at a time.
CREATE UNIQUE INDEX program_case_open
    ON program_case(program, household_id, coalesce(person_id, 0)) WHERE status = 'open';

CREATE TABLE case_event (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES program_case(id),
    -- A step `id` of the case's program.
    step        TEXT NOT NULL CHECK (step <> ''),
    -- When it happened (UTC seconds).
    at          INTEGER NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX case_event_case ON case_event(case_id, at);
