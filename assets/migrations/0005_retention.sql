-- Retention: when albergue anonymised a person who left long ago (their
-- names, phone, notes, care needs and confirmation numbers removed, birth
-- date reduced to the year). NULL: never.
ALTER TABLE person ADD COLUMN anonymised_at INTEGER;
