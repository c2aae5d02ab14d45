//! Retention: people who left long ago are anonymised, drafts forgotten.

use chrono::NaiveDate;
use rusqlite::params;

use super::{audit, codec, Result, Store};
use crate::actor::Actor;
use crate::domain::Permission;

/// What a retention run did (or, dry, would do).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    /// People anonymised.
    pub people: u64,
    /// Households whose label and US destination went (everyone in them anonymised).
    pub households: u64,
    /// Confirmation numbers removed.
    pub confirmations: u64,
    /// Drafts deleted.
    pub drafts: u64,
    /// People recorded as gone without a day of leaving: not touched.
    pub undated: u64,
}

/// People who left on or before the cutoff, not yet anonymised.
const DUE: &str = "status <> 'present' AND anonymised_at IS NULL
     AND departure_date IS NOT NULL AND departure_date <= ?1";

impl Store {
    /// Anonymises everyone who left on or before `cutoff` (a day): their
    /// names become `person-<id>`, and their phone, notes, care needs and
    /// confirmation numbers go; their birth date keeps only its year; their
    /// nationality, languages, sex and dates stay, for statistics. A
    /// household whose people are all anonymised loses its label and US
    /// destination. Drafts saved before the cutoff are deleted. People
    /// present are never touched. One audit row per person and one for
    /// the run, in one transaction; with `dry_run` nothing changes.
    pub fn run_retention(
        &mut self,
        cutoff: NaiveDate,
        period: &str,
        dry_run: bool,
        actor: &Actor,
    ) -> Result<RetentionReport> {
        self.allow(Permission::Jobs)?;
        let day = codec::day(cutoff);
        let cutoff_secs = codec::secs(cutoff.and_time(chrono::NaiveTime::MIN).and_utc());
        self.transact(|tx, now| {
            let ids: Vec<i64> = tx
                .prepare(&format!("SELECT id FROM person WHERE {DUE} ORDER BY id"))?
                .query_map([&day], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut report = RetentionReport {
                people: ids.len() as u64,
                undated: tx.query_row(
                    "SELECT count(*) FROM person WHERE status <> 'present'
                     AND anonymised_at IS NULL AND departure_date IS NULL",
                    [],
                    |r| r.get(0),
                )?,
                ..RetentionReport::default()
            };
            report.confirmations = tx.query_row(
                &format!(
                    "SELECT count(*) FROM appointment WHERE confirmation_number IS NOT NULL
                     AND person_id IN (SELECT id FROM person WHERE {DUE})"
                ),
                [&day],
                |r| r.get(0),
            )?;
            report.drafts = tx.query_row(
                "SELECT count(*) FROM draft WHERE saved_at < ?1",
                [cutoff_secs],
                |r| r.get(0),
            )?;
            // Households left with nobody but the anonymised (and those due now).
            let households: Vec<i64> = tx
                .prepare(&format!(
                    "SELECT h.id FROM household h WHERE h.label NOT LIKE 'household-%'
                       AND EXISTS (SELECT 1 FROM person p WHERE p.household_id = h.id)
                       AND NOT EXISTS (SELECT 1 FROM person p WHERE p.household_id = h.id
                           AND p.anonymised_at IS NULL AND NOT (p.id IN
                               (SELECT id FROM person WHERE {DUE})))"
                ))?
                .query_map([&day], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            report.households = households.len() as u64;
            if dry_run {
                return Ok(report);
            }
            let stamp = codec::secs(now);
            let summary = format!("retention {period}");
            for id in &ids {
                tx.execute(
                    "UPDATE appointment SET confirmation_number = NULL WHERE person_id = ?1",
                    [id],
                )?;
                // Their cases' numbers and notes, as their confirmations.
                tx.execute_batch(&format!(
                    "UPDATE case_event SET note = '' WHERE note <> '' AND case_id IN
                         (SELECT id FROM program_case WHERE person_id = {id});
                     UPDATE program_case SET reference = '' WHERE person_id = {id};"
                ))?;
                tx.execute(
                    "UPDATE person SET given_names = 'person-' || id, family_names = '',
                         search_name = 'person-' || id, phone = NULL, notes = '',
                         vulnerabilities = '',
                         birth_date = CASE WHEN birth_date IS NULL THEN NULL
                                      ELSE substr(birth_date, 1, 4) || '-01-01' END,
                         anonymised_at = ?2, updated_at = ?2, updated_by = ?3,
                         version = version + 1
                     WHERE id = ?1",
                    params![id, stamp, actor.as_str()],
                )?;
                audit::record(tx, now, actor, "person.anonymise", *id, &summary)?;
            }
            for id in &households {
                tx.execute(
                    "UPDATE household SET label = 'household-' || id, us_destination = NULL,
                         updated_at = ?2, updated_by = ?3, version = version + 1
                     WHERE id = ?1",
                    params![id, stamp, actor.as_str()],
                )?;
                tx.execute_batch(&format!(
                    "UPDATE case_event SET note = '' WHERE note <> '' AND case_id IN
                         (SELECT id FROM program_case WHERE household_id = {id});
                     UPDATE program_case SET reference = '' WHERE household_id = {id};"
                ))?;
                audit::record(tx, now, actor, "household.anonymise", *id, &summary)?;
            }
            tx.execute("DELETE FROM draft WHERE saved_at < ?1", [cutoff_secs])?;
            audit::record_job(
                tx,
                now,
                actor,
                "retention.run",
                &format!(
                    "{summary}: {} people, {} households, {} confirmation numbers, {} drafts",
                    report.people, report.households, report.confirmations, report.drafts
                ),
            )?;
            Ok(report)
        })
    }
}
