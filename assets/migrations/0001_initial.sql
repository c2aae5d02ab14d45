-- albergue schema, version 1.
-- Instants are INTEGER seconds since 1970-01-01 UTC; calendar days are TEXT
-- 'YYYY-MM-DD'. Rows that coordinators edit carry `version` (optimistic
-- concurrency) and `updated_by` / `updated_at` (who to name in a conflict).

CREATE TABLE shelter (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL CHECK (name <> ''),
    city        TEXT NOT NULL,
    tz          TEXT NOT NULL,
    capacity    INTEGER NOT NULL CHECK (capacity >= 0),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    updated_by  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;

CREATE TABLE household (
    id              INTEGER PRIMARY KEY,
    shelter_id      INTEGER NOT NULL REFERENCES shelter(id),
    label           TEXT NOT NULL,
    us_destination  TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX household_shelter ON household(shelter_id);

CREATE TABLE person (
    id              INTEGER PRIMARY KEY,
    household_id    INTEGER NOT NULL REFERENCES household(id),
    given_names     TEXT NOT NULL CHECK (given_names <> ''),
    family_names    TEXT NOT NULL,
    -- given and family names folded for search (lower case, no accents).
    search_name     TEXT NOT NULL,
    birth_date      TEXT,
    sex             TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    nationality     TEXT NOT NULL CHECK (length(nationality) = 3),
    languages       TEXT NOT NULL DEFAULT '',
    phone           TEXT,
    arrival_date    TEXT NOT NULL,
    departure_date  TEXT,
    status          TEXT NOT NULL
                    CHECK (status IN ('present', 'departed', 'crossed', 'transferred')),
    vulnerabilities TEXT NOT NULL DEFAULT '',
    notes           TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX person_household ON person(household_id, status);
CREATE INDEX person_status ON person(status, arrival_date);
CREATE INDEX person_arrival ON person(arrival_date);
CREATE INDEX person_identity ON person(search_name, birth_date);

CREATE TABLE appointment (
    id                  INTEGER PRIMARY KEY,
    household_id        INTEGER NOT NULL REFERENCES household(id),
    person_id           INTEGER REFERENCES person(id),
    port_code           TEXT NOT NULL,
    appointment_at      INTEGER NOT NULL,
    allocated_at        INTEGER NOT NULL,
    confirm_deadline    INTEGER NOT NULL,
    extended_until      INTEGER,
    confirmation_number TEXT UNIQUE,
    confirmed_at        INTEGER,
    confirmed_by        TEXT,
    -- How the confirmation reached the shelter.
    confirmation_channel TEXT CHECK (confirmation_channel IN ('app', 'email', 'phone', 'in_person')),
    status              TEXT NOT NULL CHECK (status IN
                        ('pending_confirmation', 'confirmed', 'missed', 'presented', 'cancelled')),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    updated_by          TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (confirm_deadline = allocated_at + 82800)
) STRICT;
CREATE INDEX appointment_person ON appointment(person_id);
CREATE INDEX appointment_household ON appointment(household_id);
CREATE INDEX appointment_when ON appointment(appointment_at);
CREATE INDEX appointment_status_deadline ON appointment(status, confirm_deadline);

CREATE TABLE outage (
    id              INTEGER PRIMARY KEY,
    service         TEXT NOT NULL DEFAULT 'cbp_one',
    affected_step   TEXT NOT NULL CHECK (affected_step IN ('login', 'request', 'confirm', 'all')),
    -- NULL: every port; else port codes separated by commas.
    port_codes      TEXT,
    started_at      INTEGER NOT NULL,
    ended_at        INTEGER CHECK (ended_at IS NULL OR ended_at >= started_at),
    source          TEXT NOT NULL,
    note            TEXT NOT NULL DEFAULT '',
    extension_until INTEGER,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1)
) STRICT;
CREATE INDEX outage_started ON outage(started_at);

-- Written in the same transaction as the change it records.
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_id   INTEGER,
    summary     TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_entity ON audit(entity, entity_id);

-- A form's input kept when a session ended while it was open (the SSH link
-- dropped, the process was stopped, a crash): one per OS user, offered back
-- on their next start. Never a record until saved through the form.
CREATE TABLE draft (
    os_user     TEXT PRIMARY KEY,
    saved_at    INTEGER NOT NULL,
    form        TEXT NOT NULL
) STRICT;
