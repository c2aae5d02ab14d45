//! The search index and the tallies, kept in the database.
//!
//! Search as you type reads `search_word`: each distinct word of the folded
//! names, with the ids of the people whose name has it. A keystroke looks
//! through the words (a few thousand, not a million people) for those that
//! contain what was typed and merges their ids. Triggers note every change
//! of a name in `search_pending`; [`sync`] applies them before each commit
//! of the store, so the index is never behind a commit albergue made.
//!
//! Measured against a trigram FTS5 table and a word table of (word, id)
//! rows: those take 28 s and 13 s to build for a million people on the
//! benchmark machine, this one under a second (see `benches/tui.py`).

use std::collections::{BTreeMap, HashMap};

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
    let mut index: HashMap<String, Vec<u32>> = HashMap::new();
    let mut stmt = tx.prepare("SELECT id, search_name FROM person ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        add_words(&mut index, id32(r.get(0)?), r.get_ref(1)?.as_str()?);
    }
    write_index(tx, index)
}

/// The person tallies and the search index, counted from people's rows as
/// a bulk load writes them (with the triggers that keep them set aside),
/// then written in place of the old ones.
#[derive(Default)]
pub(super) struct Built {
    index: HashMap<String, Vec<u32>>,
    arrivals: HashMap<(String, String), i64>,
    nationalities: HashMap<(String, String), i64>,
    present: HashMap<i64, i64>,
}

impl Built {
    /// Counts a person in, by their row's values.
    pub(super) fn add(
        &mut self,
        id: i64,
        search_name: &str,
        arrival_date: &str,
        status: &str,
        nationality: &str,
        household_id: i64,
    ) {
        add_words(&mut self.index, id32(id), search_name);
        if status == "present" {
            *self.present.entry(household_id).or_default() += 1;
        }
        let count = |tally: &mut HashMap<(String, String), i64>, by: &str| match tally
            .get_mut(&(status.to_string(), by.to_string()))
        {
            Some(n) => *n += 1,
            None => {
                tally.insert((status.to_string(), by.to_string()), 1);
            }
        };
        count(&mut self.arrivals, arrival_date);
        count(&mut self.nationalities, nationality);
    }

    /// Replaces the tallies of people and the search index by these.
    pub(super) fn write(mut self, tx: &Transaction<'_>) -> rusqlite::Result<()> {
        tx.execute_batch(
            "DELETE FROM arrival_tally; DELETE FROM nationality_tally;
             DELETE FROM household_present;",
        )?;
        for (table, tally) in [
            ("arrival_tally", &self.arrivals),
            ("nationality_tally", &self.nationalities),
        ] {
            let mut insert = tx.prepare(&format!("INSERT INTO {table} VALUES (?1, ?2, ?3)"))?;
            for ((status, by), n) in tally {
                insert.execute(params![status, by, n])?;
            }
        }
        let mut households: Vec<(i64, i64)> = self.present.drain().collect();
        households.sort_unstable();
        let mut insert = tx.prepare("INSERT INTO household_present VALUES (?1, ?2)")?;
        for (household, n) in households {
            insert.execute(params![household, n])?;
        }
        // Rows may come in any order: each word's ids ascending.
        for ids in self.index.values_mut() {
            ids.sort_unstable();
        }
        write_index(tx, self.index)
    }
}

/// Adds person `id` under each word of their folded name.
fn add_words(index: &mut HashMap<String, Vec<u32>>, id: u32, name: &str) {
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
fn write_index(tx: &Transaction<'_>, index: HashMap<String, Vec<u32>>) -> rusqlite::Result<()> {
    tx.execute_batch("DELETE FROM search_pending; DELETE FROM search_word;")?;
    let mut insert = tx.prepare("INSERT INTO search_word (word, people) VALUES (?1, ?2)")?;
    let mut sorted: Vec<(String, Vec<u32>)> = index.into_iter().collect();
    sorted.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (word, ids) in sorted {
        insert.execute(params![word, encode(&ids)])?;
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
             SELECT port_code, appointment_at, count(*) FROM appointment
             WHERE status IN ('pending_confirmation', 'confirmed') AND for_present = 1
             GROUP BY port_code, appointment_at;
         DELETE FROM pending_tally;
         INSERT INTO pending_tally
             SELECT max(confirm_deadline, coalesce(extended_until, 0)) / 600, port_code, count(*)
             FROM appointment
             WHERE status = 'pending_confirmation' AND for_present = 1
             GROUP BY 1, 2;
         UPDATE present_households SET households = (SELECT count(*) FROM household_present);",
    )
}

/// Applies the name changes noted since the last sync to the search index.
pub(super) fn sync(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    // word -> (id -> added?), in id order per word.
    let mut changes: BTreeMap<String, BTreeMap<u32, bool>> = BTreeMap::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT person_id, old_name, new_name FROM search_pending ORDER BY rowid",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id = id32(r.get(0)?);
            let old: Option<String> = r.get(1)?;
            let new: Option<String> = r.get(2)?;
            for w in words(old.as_deref().unwrap_or("")) {
                changes.entry(w.to_string()).or_default().insert(id, false);
            }
            for w in words(new.as_deref().unwrap_or("")) {
                changes.entry(w.to_string()).or_default().insert(id, true);
            }
        }
    }
    if changes.is_empty() {
        return Ok(());
    }
    let mut read = tx.prepare_cached("SELECT people FROM search_word WHERE word = ?1")?;
    let mut write = tx.prepare_cached(
        "INSERT INTO search_word (word, people) VALUES (?1, ?2)
         ON CONFLICT DO UPDATE SET people = excluded.people",
    )?;
    let mut remove = tx.prepare_cached("DELETE FROM search_word WHERE word = ?1")?;
    let mut ids = Vec::new();
    for (word, change) in changes {
        ids.clear();
        if let Some(blob) = read
            .query_row([&word], |r| r.get::<_, Vec<u8>>(0))
            .optional()?
        {
            decode_into(&blob, &mut ids);
        }
        for (id, added) in change {
            match (ids.binary_search(&id), added) {
                (Err(at), true) => ids.insert(at, id),
                (Ok(at), false) => {
                    ids.remove(at);
                }
                _ => {}
            }
        }
        if ids.is_empty() {
            remove.execute([&word])?;
        } else {
            write.execute(params![word, encode(&ids)])?;
        }
    }
    tx.execute("DELETE FROM search_pending", [])?;
    Ok(())
}

/// The ids of people whose folded name has a word containing `part`
/// (already folded, one word), ascending.
pub(super) fn people_with(conn: &Connection, part: &str) -> rusqlite::Result<Vec<u32>> {
    let mut stmt =
        conn.prepare_cached("SELECT people FROM search_word WHERE instr(word, ?1) > 0")?;
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
pub(super) fn weight(conn: &Connection, part: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "SELECT coalesce(sum(length(people)), 0) FROM search_word WHERE instr(word, ?1) > 0",
    )?
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
