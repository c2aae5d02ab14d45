//! The search index and the tallies, kept in the database.
//!
//! Search as you type reads `search_word`: each distinct word of the folded
//! names in each shelter, with the ids of that shelter's people whose name
//! has it. A keystroke looks through the words (a few thousand a shelter,
//! not a million people) for those that contain what was typed, in the
//! shelters of the store handle, and merges their ids. Triggers note every change
//! of a name in `search_pending`; [`sync`] applies them before each commit
//! of the store, so the index is never behind a commit albergue made.
//!
//! Measured against a trigram FTS5 table and a word table of (word, id)
//! rows: those take 28 s and 13 s to build for a million people on the
//! benchmark machine, this one under a second (see `benches/tui.py`).

use std::collections::BTreeMap;

use foldhash::{HashMap, HashMapExt};

use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// The distinct words of a folded name.
fn words(folded: &str) -> impl Iterator<Item = &str> {
    let mut seen: Vec<&str> = Vec::new();
    folded.split(' ').filter(move |w| {
        if w.is_empty() || seen.contains(w) {
            return false;
        }
        seen.push(w);
        true
    })
}

/// Ascending ids as LEB128 deltas.
pub(super) fn encode(ids: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(ids.len() * 2);
    let mut last = 0u32;
    for &id in ids {
        let mut d = id - last;
        last = id;
        loop {
            let byte = (d & 0x7f) as u8;
            d >>= 7;
            if d == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
    }
    out
}

/// Appends the ids of `blob` to `out`.
pub(super) fn decode_into(blob: &[u8], out: &mut Vec<u32>) {
    let (mut last, mut d, mut shift) = (0u32, 0u32, 0u32);
    for &b in blob {
        d |= u32::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            last = last.wrapping_add(d);
            out.push(last);
            d = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
}

fn id32(id: i64) -> u32 {
    u32::try_from(id).unwrap_or(u32::MAX)
}

/// Builds the search index again from the person table, when the
/// migration that adds it runs (its tallies are filled by its SQL).
pub(super) fn rebuild_index(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let mut index = Index::new();
    let mut stmt = tx.prepare("SELECT id, search_name, shelter_id FROM person ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        add_words(
            &mut index,
            r.get(2)?,
            id32(r.get(0)?),
            r.get_ref(1)?.as_str()?,
        );
    }
    write_index(tx, index)
}

/// Each shelter's words, with their people's ids.
type Index = HashMap<i64, HashMap<String, Vec<u32>>>;

/// The person tallies and the search index, counted from people's rows as
/// a bulk load writes them (with the triggers that keep them set aside),
/// then written in place of the old ones.
#[derive(Default)]
pub(super) struct Built {
    index: Index,
    /// People by shelter, status, then arrival day.
    arrivals: Tally,
    /// People by shelter, status, then nationality.
    nationalities: Tally,
    present: HashMap<i64, i64>,
    /// People present by (shelter, section or 0).
    sections: HashMap<(i64, i64), i64>,
}

/// People by shelter, then status, then one more value.
type Tally = HashMap<i64, HashMap<String, HashMap<String, i64>>>;

impl Built {
    /// Counts a person in, by their row's values.
    #[allow(clippy::too_many_arguments)] // (a row's columns, borrowed as read)
    pub(super) fn add(
        &mut self,
        id: i64,
        search_name: &str,
        arrival_date: &str,
        status: &str,
        nationality: &str,
        household_id: i64,
        (shelter_id, section_id): (i64, Option<i64>),
    ) {
        add_words(&mut self.index, shelter_id, id32(id), search_name);
        if status == "present" {
            *self.present.entry(household_id).or_default() += 1;
            *self
                .sections
                .entry((shelter_id, section_id.unwrap_or(0)))
                .or_default() += 1;
        }
        // (Looked up by the borrowed words: a string is made only for a
        // pair not seen before.)
        let count = |tally: &mut Tally, by: &str| {
            let tally = tally.entry(shelter_id).or_default();
            let of_status = match tally.get_mut(status) {
                Some(t) => t,
                None => tally.entry(status.to_string()).or_default(),
            };
            match of_status.get_mut(by) {
                Some(n) => *n += 1,
                None => {
                    of_status.insert(by.to_string(), 1);
                }
            }
        };
        count(&mut self.arrivals, arrival_date);
        count(&mut self.nationalities, nationality);
    }

    /// Adds the people `other` counted (other people than this one's).
    pub(super) fn merge(&mut self, other: Built) {
        for (shelter, words) in other.index {
            let mine = self.index.entry(shelter).or_default();
            for (word, ids) in words {
                mine.entry(word).or_default().extend(ids);
            }
        }
        for (mine, theirs) in [
            (&mut self.arrivals, other.arrivals),
            (&mut self.nationalities, other.nationalities),
        ] {
            for (shelter, statuses) in theirs {
                let of_shelter = mine.entry(shelter).or_default();
                for (status, counts) in statuses {
                    let of_status = of_shelter.entry(status).or_default();
                    for (by, n) in counts {
                        *of_status.entry(by).or_default() += n;
                    }
                }
            }
        }
        for (household, n) in other.present {
            *self.present.entry(household).or_default() += n;
        }
        for (key, n) in other.sections {
            *self.sections.entry(key).or_default() += n;
        }
    }

    /// Replaces the tallies of people and the search index by these.
    pub(super) fn write(mut self, tx: &Transaction<'_>) -> rusqlite::Result<()> {
        tx.execute_batch(
            "DELETE FROM arrival_tally; DELETE FROM nationality_tally;
             DELETE FROM household_present; DELETE FROM section_tally;",
        )?;
        let mut insert = tx.prepare("INSERT INTO section_tally VALUES (?1, ?2, ?3)")?;
        for ((shelter, section), n) in &self.sections {
            insert.execute(params![shelter, section, n])?;
        }
        for (table, tally) in [
            ("arrival_tally", &self.arrivals),
            ("nationality_tally", &self.nationalities),
        ] {
            let mut insert = tx.prepare(&format!("INSERT INTO {table} VALUES (?1, ?2, ?3, ?4)"))?;
            for (shelter, statuses) in tally {
                for (status, counts) in statuses {
                    for (by, n) in counts {
                        insert.execute(params![status, by, shelter, n])?;
                    }
                }
            }
        }
        let mut households: Vec<(i64, i64)> = self.present.drain().collect();
        households.sort_unstable();
        let mut insert = tx.prepare("INSERT INTO household_present VALUES (?1, ?2)")?;
        for (household, n) in households {
            insert.execute(params![household, n])?;
        }
        // Rows may come in any order: each word's ids ascending.
        for ids in self.index.values_mut().flat_map(|w| w.values_mut()) {
            ids.sort_unstable();
        }
        write_index(tx, self.index)
    }
}

/// Adds person `id` of `shelter` under each word of their folded name.
fn add_words(index: &mut Index, shelter: i64, id: u32, name: &str) {
    let index = index.entry(shelter).or_default();
    for w in words(name) {
        match index.get_mut(w) {
            Some(ids) => ids.push(id),
            None => {
                index.insert(w.to_string(), vec![id]);
            }
        }
    }
}

/// Replaces the search index by `index` (each word's ids ascending).
fn write_index(tx: &Transaction<'_>, index: Index) -> rusqlite::Result<()> {
    tx.execute_batch("DELETE FROM search_pending; DELETE FROM search_word;")?;
    let mut insert =
        tx.prepare("INSERT INTO search_word (word, shelter_id, people) VALUES (?1, ?2, ?3)")?;
    let mut sorted: Vec<(String, i64, Vec<u32>)> = index
        .into_iter()
        .flat_map(|(shelter, words)| words.into_iter().map(move |(w, ids)| (w, shelter, ids)))
        .collect();
    sorted.sort_unstable_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    for (word, shelter, ids) in sorted {
        insert.execute(params![word, shelter, encode(&ids)])?;
    }
    Ok(())
}

/// Counts again what the appointment triggers keep (live appointments for
/// someone present by port and time, pending ones by deadline and port) and
/// the households with someone present: after a bulk load, whose rows were
/// marked `for_present` as they were written, with the triggers that keep
/// the counts set aside.
pub(super) fn count_appointments(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(
        "DELETE FROM slot_tally;
         INSERT INTO slot_tally
             SELECT port_code, appointment_at, shelter_id, count(*) FROM appointment
             WHERE status IN ('pending_confirmation', 'confirmed') AND for_present = 1
             GROUP BY 1, 2, 3;
         DELETE FROM pending_tally;
         INSERT INTO pending_tally
             SELECT max(confirm_deadline, coalesce(extended_until, 0)) / 600, port_code,
                    shelter_id, count(*)
             FROM appointment
             WHERE status = 'pending_confirmation' AND for_present = 1
             GROUP BY 1, 2, 3;
         DELETE FROM present_households;
         INSERT INTO present_households
             SELECT h.shelter_id, count(*)
             FROM household_present p JOIN household h ON h.id = p.household_id GROUP BY 1;",
    )
}

/// Applies the name changes (and moves between shelters) noted since the
/// last sync to the search index: each person noted is taken out of every
/// shelter's list of the words they had, and put under the words of their
/// name now in the shelter their row names now.
pub(super) fn sync(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    // person -> (the words they had, their name now if they are still here).
    let mut noted: BTreeMap<u32, (Vec<String>, Option<String>)> = BTreeMap::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT person_id, old_name, new_name FROM search_pending ORDER BY rowid",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (had, now) = noted.entry(id32(r.get(0)?)).or_default();
            if let Some(old) = r.get_ref(1)?.as_str_or_null()? {
                had.extend(words(old).map(str::to_string));
            }
            *now = r.get(2)?;
        }
    }
    if noted.is_empty() {
        return Ok(());
    }
    // word -> (person -> the shelter to list them in, or none).
    let mut changes: BTreeMap<String, BTreeMap<u32, Option<i64>>> = BTreeMap::new();
    let mut shelter_of = tx.prepare_cached("SELECT shelter_id FROM person WHERE id = ?1")?;
    for (id, (had, now)) in noted {
        for w in had {
            changes.entry(w).or_default().insert(id, None);
        }
        let Some(name) = now else { continue };
        let Some(shelter) = shelter_of
            .query_row([id], |r| r.get::<_, i64>(0))
            .optional()?
        else {
            continue;
        };
        for w in words(&name) {
            changes
                .entry(w.to_string())
                .or_default()
                .insert(id, Some(shelter));
        }
    }
    let mut read =
        tx.prepare_cached("SELECT shelter_id, people FROM search_word WHERE word = ?1")?;
    let mut write = tx.prepare_cached(
        "INSERT INTO search_word (word, shelter_id, people) VALUES (?1, ?2, ?3)
         ON CONFLICT (word, shelter_id) DO UPDATE SET people = excluded.people",
    )?;
    let mut remove =
        tx.prepare_cached("DELETE FROM search_word WHERE word = ?1 AND shelter_id = ?2")?;
    for (word, change) in changes {
        let mut lists: BTreeMap<i64, (Vec<u32>, bool)> = BTreeMap::new();
        let mut rows = read.query([&word])?;
        while let Some(r) = rows.next()? {
            let mut ids = Vec::new();
            decode_into(r.get_ref(1)?.as_blob()?, &mut ids);
            lists.insert(r.get(0)?, (ids, false));
        }
        for (id, to) in change {
            for (ids, changed) in lists.values_mut() {
                if let Ok(at) = ids.binary_search(&id) {
                    ids.remove(at);
                    *changed = true;
                }
            }
            if let Some(shelter) = to {
                let (ids, changed) = lists.entry(shelter).or_default();
                if let Err(at) = ids.binary_search(&id) {
                    ids.insert(at, id);
                }
                *changed = true;
            }
        }
        for (shelter, (ids, changed)) in lists {
            if !changed {
                continue;
            }
            if ids.is_empty() {
                remove.execute(params![word, shelter])?;
            } else {
                write.execute(params![word, shelter, encode(&ids)])?;
            }
        }
    }
    tx.execute("DELETE FROM search_pending", [])?;
    Ok(())
}

/// The ids of people of the shelters `scope` covers (its condition on
/// `shelter_id`) whose folded name has a word containing `part` (already
/// folded, one word), ascending.
pub(super) fn people_with(
    conn: &Connection,
    part: &str,
    scope: &str,
) -> rusqlite::Result<Vec<u32>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT people FROM search_word WHERE instr(word, ?1) > 0 AND {scope}"
    ))?;
    let mut rows = stmt.query([part])?;
    let mut ids = Vec::new();
    let mut blobs = 0;
    while let Some(r) = rows.next()? {
        decode_into(r.get_ref(0)?.as_blob()?, &mut ids);
        blobs += 1;
    }
    if blobs > 1 {
        ids.sort_unstable();
        ids.dedup();
    }
    Ok(ids)
}

/// How many bytes of ids the words containing `part` hold (about 1.3 a
/// person): what merging them would cost.
pub(super) fn weight(conn: &Connection, part: &str, scope: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached(&format!(
        "SELECT coalesce(sum(length(people)), 0) FROM search_word
         WHERE instr(word, ?1) > 0 AND {scope}"
    ))?
    .query_row([part], |r| r.get(0))
}

/// The ids in both ascending lists.
pub(super) fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// What each tally kept by triggers holds, and the same counted from the
/// rows: `(name, kept, counted)`. The pairs `albergue check` compares (and
/// tests/scale.rs after every kind of write).
const TALLIES: &[(&str, &str, &str)] = &[
    (
        "person.shelter_id",
        "SELECT id, shelter_id FROM person ORDER BY id",
        "SELECT p.id, h.shelter_id FROM person p JOIN household h ON h.id = p.household_id
         ORDER BY p.id",
    ),
    (
        "appointment.shelter_id",
        "SELECT id, shelter_id FROM appointment ORDER BY id",
        "SELECT a.id, h.shelter_id FROM appointment a JOIN household h ON h.id = a.household_id
         ORDER BY a.id",
    ),
    (
        "arrival_tally",
        "SELECT status, arrival_date, shelter_id, people FROM arrival_tally ORDER BY 1, 2, 3",
        "SELECT status, arrival_date, shelter_id, count(*) FROM person GROUP BY 1, 2, 3
         ORDER BY 1, 2, 3",
    ),
    (
        "nationality_tally",
        "SELECT status, nationality, shelter_id, people FROM nationality_tally ORDER BY 1, 2, 3",
        "SELECT status, nationality, shelter_id, count(*) FROM person GROUP BY 1, 2, 3
         ORDER BY 1, 2, 3",
    ),
    (
        "household_present",
        "SELECT household_id, people FROM household_present ORDER BY 1",
        "SELECT household_id, count(*) FROM person WHERE status = 'present' GROUP BY 1 ORDER BY 1",
    ),
    (
        "present_households",
        "SELECT shelter_id, households FROM present_households WHERE households > 0 ORDER BY 1",
        "SELECT shelter_id, count(DISTINCT household_id) FROM person WHERE status = 'present'
         GROUP BY 1 ORDER BY 1",
    ),
    (
        "section_tally",
        "SELECT shelter_id, section_id, people FROM section_tally WHERE people <> 0 ORDER BY 1, 2",
        "SELECT shelter_id, coalesce(section_id, 0), count(*) FROM person WHERE status = 'present'
         GROUP BY 1, 2 ORDER BY 1, 2",
    ),
    (
        "person.section_id",
        "SELECT id, section_id FROM person WHERE section_id IS NOT NULL ORDER BY id",
        "SELECT p.id, s.id FROM person p JOIN shelter_section s
             ON s.id = p.section_id AND s.shelter_id = p.shelter_id
         ORDER BY p.id",
    ),
    (
        "appointment.for_present",
        "SELECT id, for_present FROM appointment ORDER BY id",
        "SELECT a.id, EXISTS (SELECT 1 FROM person q
             WHERE q.household_id = a.household_id AND q.status = 'present'
               AND (a.person_id IS NULL OR q.id = a.person_id))
         FROM appointment a ORDER BY a.id",
    ),
    (
        "slot_tally",
        "SELECT port_code, appointment_at, shelter_id, people FROM slot_tally ORDER BY 1, 2, 3",
        "SELECT port_code, appointment_at, shelter_id, count(*) FROM appointment
         WHERE status IN ('pending_confirmation', 'confirmed') AND for_present = 1
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    ),
    (
        "pending_tally",
        "SELECT deadline_bucket, port_code, shelter_id, people FROM pending_tally
         ORDER BY 1, 2, 3",
        "SELECT max(confirm_deadline, coalesce(extended_until, 0)) / 600, port_code, shelter_id,
                count(*)
         FROM appointment WHERE status = 'pending_confirmation' AND for_present = 1
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    ),
];

/// The tallies and the search index against a recount from the rows: one
/// line for each that differs (empty when all agree). Renames another tool
/// wrote, which wait in `search_pending` for albergue's next commit, count
/// as applied.
pub(super) fn problems(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    use rusqlite::types::Value;
    let rows = |sql: &str| -> rusqlite::Result<Vec<Vec<Value>>> {
        let mut stmt = conn.prepare(sql)?;
        let n = stmt.column_count();
        let rows = stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())?;
        rows.collect()
    };
    let mut problems = Vec::new();
    for (name, kept, counted) in TALLIES {
        let (kept, counted) = (rows(kept)?, rows(counted)?);
        if kept != counted {
            // A changed row is missing from each side: counted once.
            let set = |rows: &[Vec<Value>]| -> std::collections::HashSet<String> {
                rows.iter().map(|r| format!("{r:?}")).collect()
            };
            let (k, c) = (set(&kept), set(&counted));
            let differ = k.difference(&c).count().max(c.difference(&k).count());
            problems.push(format!(
                "{name} differs from a recount of the rows ({differ} rows differ; \
                 `albergue check --repair` counts it again)"
            ));
        }
    }
    // The search index: each word's people, as kept (with the renames
    // waiting applied) and as the names say.
    let mut kept = Index::new();
    {
        let mut stmt = conn.prepare("SELECT word, shelter_id, people FROM search_word")?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            let mut ids = Vec::new();
            decode_into(r.get_ref(2)?.as_blob()?, &mut ids);
            kept.entry(r.get(1)?).or_default().insert(r.get(0)?, ids);
        }
        let mut stmt = conn.prepare(
            "SELECT s.person_id, s.old_name, s.new_name, p.shelter_id
             FROM search_pending s LEFT JOIN person p ON p.id = s.person_id ORDER BY s.rowid",
        )?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            let id = id32(r.get(0)?);
            // As `sync` applies it: out of every shelter, then in their own.
            if let Some(old) = r.get_ref(1)?.as_str_or_null()? {
                for w in words(old) {
                    for of_shelter in kept.values_mut() {
                        if let Some(ids) = of_shelter.get_mut(w) {
                            ids.retain(|&x| x != id);
                        }
                    }
                }
            }
            if let (Some(new), Some(shelter)) =
                (r.get_ref(2)?.as_str_or_null()?, r.get::<_, Option<i64>>(3)?)
            {
                add_words(&mut kept, shelter, id, new);
            }
        }
    }
    let mut counted = Index::new();
    let mut stmt = conn.prepare("SELECT id, search_name, shelter_id FROM person")?;
    let mut q = stmt.query([])?;
    while let Some(r) = q.next()? {
        add_words(
            &mut counted,
            r.get(2)?,
            id32(r.get(0)?),
            r.get_ref(1)?.as_str()?,
        );
    }
    let flat = |index: Index| -> HashMap<(String, i64), Vec<u32>> {
        let mut out = HashMap::new();
        for (shelter, words) in index {
            for (w, mut ids) in words {
                if !ids.is_empty() {
                    ids.sort_unstable();
                    ids.dedup();
                    out.insert((w, shelter), ids);
                }
            }
        }
        out
    };
    let (kept, counted) = (flat(kept), flat(counted));
    if kept != counted {
        let differ = counted
            .iter()
            .filter(|(w, ids)| kept.get(*w) != Some(*ids))
            .count()
            + kept.keys().filter(|w| !counted.contains_key(*w)).count();
        problems.push(format!(
            "search_word differs from the names ({differ} words differ; \
             `albergue check --repair` builds it again)"
        ));
    }
    Ok(problems)
}

/// Counts every tally and builds the search index again from the rows
/// (`albergue check --repair`), in the caller's transaction.
pub(super) fn recount(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    // Each row's shelter, as its household says (the tallies count by it).
    tx.execute_batch(
        "UPDATE person AS p SET shelter_id = h.shelter_id FROM household h
             WHERE h.id = p.household_id AND p.shelter_id IS NOT h.shelter_id;
         UPDATE appointment AS a SET shelter_id = h.shelter_id FROM household h
             WHERE h.id = a.household_id AND a.shelter_id IS NOT h.shelter_id;
         UPDATE person SET section_id = NULL
             WHERE section_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM shelter_section s
                 WHERE s.id = person.section_id AND s.shelter_id = person.shelter_id);",
    )?;
    let mut built = Built::default();
    {
        let mut stmt = tx.prepare(
            "SELECT id, search_name, arrival_date, status, nationality, household_id, shelter_id,
                    section_id
             FROM person",
        )?;
        let mut q = stmt.query([])?;
        while let Some(r) = q.next()? {
            built.add(
                r.get(0)?,
                r.get_ref(1)?.as_str()?,
                r.get_ref(2)?.as_str()?,
                r.get_ref(3)?.as_str()?,
                r.get_ref(4)?.as_str()?,
                r.get(5)?,
                (r.get(6)?, r.get(7)?),
            );
        }
    }
    built.write(tx)?;
    // The marks, where they differ from the rule (the triggers that keep
    // the appointment tallies follow each change; they are counted again
    // below all the same).
    tx.execute_batch(
        "UPDATE appointment AS a SET for_present = CASE
             WHEN a.person_id IS NULL
                 THEN EXISTS (SELECT 1 FROM household_present h WHERE h.household_id = a.household_id)
             ELSE coalesce((SELECT p.status = 'present' FROM person p WHERE p.id = a.person_id), 0)
         END
         WHERE for_present IS NOT CASE
             WHEN a.person_id IS NULL
                 THEN EXISTS (SELECT 1 FROM household_present h WHERE h.household_id = a.household_id)
             ELSE coalesce((SELECT p.status = 'present' FROM person p WHERE p.id = a.person_id), 0)
         END;",
    )?;
    count_appointments(tx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_survive_encoding() {
        let ids = vec![1, 2, 127, 128, 300, 16_384, 1_000_000, u32::MAX];
        let mut back = Vec::new();
        decode_into(&encode(&ids), &mut back);
        assert_eq!(back, ids);
        assert_eq!(encode(&[1, 2, 3]).len(), 3, "small gaps take a byte each");
    }

    #[test]
    fn a_name_counts_each_word_once() {
        assert_eq!(words("ana ana maria").collect::<Vec<_>>(), ["ana", "maria"]);
    }

    #[test]
    fn intersection_keeps_the_common_ids() {
        assert_eq!(intersect(&[1, 3, 5, 9], &[2, 3, 9, 10]), [3, 9]);
    }
}
