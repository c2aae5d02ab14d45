-- Transfers between the shelters of a network, with a hand-over: asked for
-- with the person's consent recorded, then accepted (the household moves:
-- 0011's household_moved takes its people, appointments and counts along)
-- or declined (nothing moves) by the receiving shelter.
CREATE TABLE transfer (
    id               INTEGER PRIMARY KEY,
    household_id     INTEGER NOT NULL REFERENCES household(id),
    from_shelter     INTEGER NOT NULL REFERENCES shelter(id),
    to_shelter       INTEGER NOT NULL REFERENCES shelter(id),
    people           INTEGER NOT NULL CHECK (people >= 0),
    status           TEXT NOT NULL
                     CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled')),
    consent_asked_by TEXT NOT NULL CHECK (consent_asked_by <> ''),
    requested_at     INTEGER NOT NULL,
    requested_by     TEXT NOT NULL,
    decided_at       INTEGER,
    decided_by       TEXT,
    reason           TEXT NOT NULL DEFAULT '',
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    updated_by       TEXT NOT NULL,
    version          INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    CHECK (to_shelter <> from_shelter),
    CHECK ((status = 'pending') = (decided_at IS NULL))
) STRICT;
CREATE INDEX transfer_to ON transfer(to_shelter, status);
CREATE INDEX transfer_from ON transfer(from_shelter, status);
-- One open transfer per household at a time.
CREATE UNIQUE INDEX transfer_open ON transfer(household_id) WHERE status = 'pending';
