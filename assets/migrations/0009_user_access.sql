-- What a user may do, as a number that changes whenever it does: their
-- role changed, or an admin ended their sessions (`albergue users kick`).
-- A session over SSH keeps the number it logged in with; a write from a
-- session whose user is gone or whose number moved on is refused, and the
-- server ends that session.
ALTER TABLE coordinator ADD COLUMN access INTEGER NOT NULL DEFAULT 1;
