-- Coordinators served over SSH (`albergue serve`): each a named person with
-- a role, known by the SHA-256 fingerprint of their public key.
CREATE TABLE coordinator (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    role            TEXT NOT NULL CHECK (role IN ('volunteer', 'coordinator', 'admin')),
    key_fingerprint TEXT NOT NULL UNIQUE,
    public_key      TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1
);
