-- The dashboard's appointment figures without reading every appointment:
-- whether an appointment is for someone present is kept on the row, live
-- appointments for someone present are counted by (port, time), and the
-- pending ones for someone present have a narrow index of their own.

-- 1 when the appointment is for someone present: its traveller, or for a
-- whole group (no traveller) anyone of the group.
ALTER TABLE appointment ADD COLUMN for_present INTEGER NOT NULL DEFAULT 0;
UPDATE appointment SET for_present = CASE
    WHEN person_id IS NULL
        THEN EXISTS (SELECT 1 FROM household_present h WHERE h.household_id = appointment.household_id)
    ELSE coalesce((SELECT p.status = 'present' FROM person p WHERE p.id = appointment.person_id), 0)
END;

-- Live appointments (pending or confirmed) for someone present, by port and time.
CREATE TABLE slot_tally (
    port_code      TEXT NOT NULL,
    appointment_at INTEGER NOT NULL,
    people         INTEGER NOT NULL CHECK (people > 0),
    PRIMARY KEY (port_code, appointment_at)
) STRICT, WITHOUT ROWID;
CREATE INDEX slot_tally_when ON slot_tally(appointment_at);
INSERT INTO slot_tally
    SELECT port_code, appointment_at, count(*) FROM appointment
    WHERE status IN ('pending_confirmation', 'confirmed') AND for_present = 1
    GROUP BY port_code, appointment_at;

-- Pending confirmations for someone present, by effective deadline (the
-- extension counts), with what the dashboard counts them by: the ones still
-- open, the soonest, those an outage puts at risk are read from the index
-- alone. (status and for_present are listed so that it covers the queries.)
CREATE INDEX appointment_open
    ON appointment(max(confirm_deadline, coalesce(extended_until, 0)), port_code, allocated_at,
                   status, for_present)
    WHERE status = 'pending_confirmation' AND for_present = 1;

CREATE TRIGGER appointment_placed AFTER INSERT ON appointment BEGIN
    UPDATE appointment SET for_present = CASE
        WHEN new.person_id IS NULL
            THEN EXISTS (SELECT 1 FROM household_present h WHERE h.household_id = new.household_id)
        ELSE coalesce((SELECT p.status = 'present' FROM person p WHERE p.id = new.person_id), 0)
    END
    WHERE id = new.id;
END;

-- Written already marked (as albergue writes them): counted at once. One
-- written unmarked (by another tool) is counted when the trigger above
-- marks it.
CREATE TRIGGER slot_added AFTER INSERT ON appointment
WHEN new.for_present = 1 AND new.status IN ('pending_confirmation', 'confirmed')
BEGIN
    INSERT INTO slot_tally VALUES (new.port_code, new.appointment_at, 1)
        ON CONFLICT DO UPDATE SET people = people + 1;
END;

CREATE TRIGGER appointment_moved AFTER UPDATE OF person_id, household_id ON appointment
WHEN (old.person_id, old.household_id) IS NOT (new.person_id, new.household_id)
BEGIN
    UPDATE appointment SET for_present = CASE
        WHEN new.person_id IS NULL
            THEN EXISTS (SELECT 1 FROM household_present h WHERE h.household_id = new.household_id)
        ELSE coalesce((SELECT p.status = 'present' FROM person p WHERE p.id = new.person_id), 0)
    END
    WHERE id = new.id;
END;

CREATE TRIGGER slot_counted
AFTER UPDATE OF status, port_code, appointment_at, for_present ON appointment
WHEN (old.status, old.port_code, old.appointment_at, old.for_present)
     IS NOT (new.status, new.port_code, new.appointment_at, new.for_present)
BEGIN
    DELETE FROM slot_tally
        WHERE old.for_present = 1 AND old.status IN ('pending_confirmation', 'confirmed')
          AND port_code = old.port_code AND appointment_at = old.appointment_at AND people = 1;
    UPDATE slot_tally SET people = people - 1
        WHERE old.for_present = 1 AND old.status IN ('pending_confirmation', 'confirmed')
          AND port_code = old.port_code AND appointment_at = old.appointment_at;
    INSERT INTO slot_tally
        SELECT new.port_code, new.appointment_at, 1
        WHERE new.for_present = 1 AND new.status IN ('pending_confirmation', 'confirmed')
        ON CONFLICT DO UPDATE SET people = people + 1;
END;

CREATE TRIGGER slot_uncounted AFTER DELETE ON appointment
WHEN old.for_present = 1 AND old.status IN ('pending_confirmation', 'confirmed')
BEGIN
    DELETE FROM slot_tally
        WHERE port_code = old.port_code AND appointment_at = old.appointment_at AND people = 1;
    UPDATE slot_tally SET people = people - 1
        WHERE port_code = old.port_code AND appointment_at = old.appointment_at;
END;

-- A traveller arrives or leaves: their own appointments follow.
CREATE TRIGGER person_presence AFTER UPDATE OF status ON person
WHEN (old.status = 'present') IS NOT (new.status = 'present')
BEGIN
    UPDATE appointment SET for_present = (new.status = 'present') WHERE person_id = new.id;
END;

-- A group has someone present again, or nobody: its group appointments follow.
CREATE TRIGGER household_someone_present AFTER INSERT ON household_present BEGIN
    UPDATE appointment SET for_present = 1
        WHERE household_id = new.household_id AND person_id IS NULL;
END;

CREATE TRIGGER household_nobody_present AFTER DELETE ON household_present BEGIN
    UPDATE appointment SET for_present = 0
        WHERE household_id = old.household_id AND person_id IS NULL;
END;
