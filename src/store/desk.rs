//! The coordinator's desk, on either backend: what the dashboard reads,
//! what a confirmation writes, and the outages with their extensions. A concern of the storage seam, as
//! [`super::Snapshots`] is the jobs': the SQLite [`Store`] and the
//! PostgreSQL [`super::pg::PgStore`] both offer it, with the same
//! behaviour (roles and shelters enforced in the handle, versions and
//! conflicts, an audit row in the write's transaction), so that the code
//! above does not know which it has. The conformance tests run one
//! scenario through it on both and compare what each answered and stored.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::{AppointmentLine, CasesDue, DashboardData, DayBounds, NewOutage, Result, Store};
use crate::actor::Actor;
use crate::domain::appointment::Channel;
use crate::domain::program::Program;
use crate::domain::{Appointment, Outage, Role, Scope, Shelter};

/// Reads and writes of the dashboard and the confirmation form.
pub trait Desk {
    /// The role this handle acts in.
    fn role(&self) -> Role;
    /// The shelters this handle reads and writes.
    fn scope(&self) -> &Scope;
    /// What the dashboard shows at `now` ([`Store::dashboard`]).
    fn dashboard(
        &mut self,
        now: DateTime<Utc>,
        today: NaiveDate,
        arrival_days: u32,
    ) -> Result<DashboardData>;
    /// One appointment ([`Store::appointment`]).
    fn appointment(&mut self, id: i64) -> Result<Appointment>;
    /// A person's appointments, newest first.
    fn appointments_for_person(&mut self, person_id: i64) -> Result<Vec<Appointment>>;
    /// Pending appointments of everyone in a household, with names.
    fn household_pending(&mut self, household_id: i64) -> Result<Vec<AppointmentLine>>;
    /// Records a confirmation seen in the app ([`Store::confirm_appointment`]).
    fn confirm_appointment(
        &mut self,
        id: i64,
        expected_version: i64,
        number: &str,
        confirmed_at: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Appointment>;
    /// Records several travellers' confirmations (a CBP One group) in one
    /// transaction, all or none ([`Store::confirm_group_via`]).
    fn confirm_group(
        &mut self,
        items: &[(i64, i64, String)],
        confirmed_at: DateTime<Utc>,
        channel: Channel,
        actor: &Actor,
    ) -> Result<()>;
    /// The id of the newest audit row: it moves with every change.
    fn last_change(&mut self) -> Result<i64>;
    /// Every outage recorded, those going on first ([`Store::outages`]).
    fn outages(&mut self) -> Result<Vec<Outage>>;
    /// The cases of `programs` due by the end of tomorrow ([`Store::cases_due`]).
    fn cases_due(
        &mut self,
        now: DateTime<Utc>,
        day: DayBounds,
        programs: &[&Program],
    ) -> Result<CasesDue>;
    /// How many cases each outage going on puts at risk ([`Store::cases_at_risk`]).
    fn cases_at_risk(
        &mut self,
        now: DateTime<Utc>,
        outages: &[Outage],
        programs: &[&Program],
    ) -> Result<Vec<(i64, usize)>>;
    /// The appointments outage `id` puts at risk ([`Store::at_risk_from`]).
    fn at_risk_from(&mut self, id: i64) -> Result<Vec<Appointment>>;
    /// The handle's shelters, by id.
    fn shelters(&mut self) -> Result<Vec<Shelter>>;
    /// Who leaves tomorrow, by section ([`Store::leaving`]).
    fn leaving(&mut self, now: DateTime<Utc>) -> Result<HashMap<i64, i64>>;
    /// Keeps `user`'s open form for their next start.
    fn save_draft(&mut self, user: &str, form: &str) -> Result<()>;
    /// Takes `user`'s kept form out of the database, if there is one.
    fn take_draft(&mut self, user: &str) -> Result<Option<String>>;
    /// Records an outage ([`Store::record_outage`]).
    fn record_outage(&mut self, new: &NewOutage, actor: &Actor) -> Result<Outage>;
    /// Records that an outage ended ([`Store::close_outage`]).
    fn close_outage(
        &mut self,
        id: i64,
        expected_version: i64,
        ended_at: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Outage>;
    /// Grants the extension CBP announced after an outage
    /// ([`Store::grant_extension`]): the ids extended.
    fn grant_extension(
        &mut self,
        id: i64,
        expected_version: i64,
        until: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Vec<i64>>;
}

impl Desk for Store {
    fn role(&self) -> Role {
        Store::role(self)
    }

    fn scope(&self) -> &Scope {
        Store::scope(self)
    }

    fn dashboard(
        &mut self,
        now: DateTime<Utc>,
        today: NaiveDate,
        arrival_days: u32,
    ) -> Result<DashboardData> {
        Store::dashboard(self, now, today, arrival_days)
    }

    fn appointment(&mut self, id: i64) -> Result<Appointment> {
        Store::appointment(self, id)
    }

    fn appointments_for_person(&mut self, person_id: i64) -> Result<Vec<Appointment>> {
        Store::appointments_for_person(self, person_id)
    }

    fn household_pending(&mut self, household_id: i64) -> Result<Vec<AppointmentLine>> {
        Store::household_pending(self, household_id)
    }

    fn confirm_appointment(
        &mut self,
        id: i64,
        expected_version: i64,
        number: &str,
        confirmed_at: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Appointment> {
        Store::confirm_appointment(self, id, expected_version, number, confirmed_at, actor)
    }

    fn confirm_group(
        &mut self,
        items: &[(i64, i64, String)],
        confirmed_at: DateTime<Utc>,
        channel: Channel,
        actor: &Actor,
    ) -> Result<()> {
        Store::confirm_group_via(self, items, confirmed_at, channel, actor)
    }

    fn last_change(&mut self) -> Result<i64> {
        Store::last_change(self)
    }

    fn outages(&mut self) -> Result<Vec<Outage>> {
        Store::outages(self)
    }

    fn at_risk_from(&mut self, id: i64) -> Result<Vec<Appointment>> {
        Store::at_risk_from(self, id)
    }

    fn cases_due(
        &mut self,
        now: DateTime<Utc>,
        day: DayBounds,
        programs: &[&Program],
    ) -> Result<CasesDue> {
        Store::cases_due(self, now, day, programs)
    }

    fn cases_at_risk(
        &mut self,
        now: DateTime<Utc>,
        outages: &[Outage],
        programs: &[&Program],
    ) -> Result<Vec<(i64, usize)>> {
        Store::cases_at_risk(self, now, outages, programs)
    }

    fn shelters(&mut self) -> Result<Vec<Shelter>> {
        Store::shelters(self)
    }

    fn leaving(&mut self, now: DateTime<Utc>) -> Result<HashMap<i64, i64>> {
        Store::leaving(self, now)
    }

    fn save_draft(&mut self, user: &str, form: &str) -> Result<()> {
        Store::save_draft(self, user, form)
    }

    fn take_draft(&mut self, user: &str) -> Result<Option<String>> {
        Store::take_draft(self, user)
    }

    fn record_outage(&mut self, new: &NewOutage, actor: &Actor) -> Result<Outage> {
        Store::record_outage(self, new, actor)
    }

    fn close_outage(
        &mut self,
        id: i64,
        expected_version: i64,
        ended_at: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Outage> {
        Store::close_outage(self, id, expected_version, ended_at, actor)
    }

    fn grant_extension(
        &mut self,
        id: i64,
        expected_version: i64,
        until: DateTime<Utc>,
        actor: &Actor,
    ) -> Result<Vec<i64>> {
        Store::grant_extension(self, id, expected_version, until, actor)
    }
}
