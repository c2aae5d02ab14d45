//! The messages of the dashboard: what happens to the app (`Msg`), what
//! `update` asks of the store worker (`Request`, `Save`) and what comes
//! back (`Reply`). The worker imports this module, not the app.

use chrono::{DateTime, NaiveDate, Utc};
use crossterm::event::KeyEvent;

use super::notice::Notice;
use crate::domain::{Appointment, AuditEntry, Household, Outage, Person};
use crate::store::{AppointmentLine, DashboardData, RosterCount, RosterKey, RosterRow, RosterSpec};

/// Where in the roster to read.
#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    /// The first rows, the selection back on the first.
    Top,
    /// The first rows, the selection kept (the screen went back near the
    /// top of the list, far from the rows read: Home after an End).
    Start,
    /// The last rows (and the exact count).
    Bottom,
    /// The rows around a person, when listed (else the first rows).
    Around {
        /// Person id.
        id: i64,
    },
    /// The rows after a key, which is at list position `at - 1`.
    After {
        /// The last row read.
        key: RosterKey,
        /// The position of the first row asked for.
        at: usize,
    },
    /// The rows before a key, which is at list position `at`.
    Before {
        /// The first row read.
        key: RosterKey,
        /// Its position.
        at: usize,
    },
    /// The rows from a key again (another commit), `keep` of them.
    Again {
        /// The first row read.
        key: RosterKey,
        /// Its position.
        at: usize,
        /// How many rows were read.
        keep: usize,
    },
}

/// What `update` asks of the store worker.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// The dashboard at `now`, with `today` the shelter's date.
    Dashboard {
        /// The clock.
        now: DateTime<Utc>,
        /// The shelter's local date.
        today: NaiveDate,
        /// The shelter's zone (where its today and tomorrow end).
        tz: chrono_tz::Tz,
    },
    /// Who leaves tomorrow, by section (people's rows: after the
    /// dashboard's tallies are drawn).
    Leaving {
        /// The clock.
        now: DateTime<Utc>,
    },
    /// Roster rows: `limit` of them from `place`.
    RosterWindow {
        /// Sort, filters and search.
        spec: RosterSpec,
        /// The clock (for "next appointment").
        now: DateTime<Utc>,
        /// Where.
        place: Place,
        /// How many rows.
        limit: usize,
        /// Whether to count what is listed too.
        count: bool,
        /// The generation of `spec` (echoed).
        generation: u64,
        /// The read's number (echoed).
        read: u64,
    },
    /// One person's page.
    Person {
        /// Person id.
        id: i64,
    },
    /// Appointments from `from` to `to`, the shelter's day `day`.
    Appointments {
        /// The shelter's local date.
        day: NaiveDate,
        /// Its start (UTC).
        from: DateTime<Utc>,
        /// Its end (UTC).
        to: DateTime<Utc>,
    },
    /// Every outage.
    Outages,
    /// The open cases of the programs kept as files, with what each must
    /// do next at `now`.
    Cases {
        /// The clock.
        now: DateTime<Utc>,
    },
    /// The headcount of the days `from..=to`.
    Headcount {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
    /// The appointments an outage puts at risk.
    AtRisk {
        /// Outage id.
        outage_id: i64,
    },
    /// What confirming an appointment asks for: it and its household's
    /// other pending appointments.
    ConfirmFor {
        /// The appointment chosen.
        appointment_id: i64,
    },
    /// Everyone at risk now, every day (what the banner counts).
    AtRiskNow {
        /// The clock.
        now: DateTime<Utc>,
    },
    /// Write tomorrow's list (HTML, to print) beside the database.
    PrintDepartures {
        /// The clock ("tomorrow" is each port's).
        now: DateTime<Utc>,
        /// The shelter's zone (for "printed at").
        tz: chrono_tz::Tz,
        /// The list's language.
        lang: crate::i18n::Lang,
    },
    /// Save what a form holds.
    Save(Save),
}

impl Request {
    /// What the log calls it (a slow request is logged by this name; the
    /// values it carries are not).
    pub fn name(&self) -> &'static str {
        match self {
            Request::Dashboard { .. } => "dashboard",
            Request::Leaving { .. } => "leaving",
            Request::RosterWindow { .. } => "roster",
            Request::Person { .. } => "person",
            Request::Appointments { .. } => "appointments",
            Request::Outages => "outages",
            Request::Headcount { .. } => "headcount",
            Request::Cases { .. } => "cases",
            Request::AtRisk { .. } => "at_risk",
            Request::AtRiskNow { .. } => "at_risk_now",
            Request::ConfirmFor { .. } => "confirm_for",
            Request::PrintDepartures { .. } => "print_departures",
            Request::Save(save) => match save {
                Save::Confirm { .. } => "save.confirm",
                Save::ConfirmGroup { .. } => "save.confirm_group",
                Save::Schedule(_) => "save.schedule",
                Save::NewPerson { .. } => "save.new_person",
                Save::Outage(_) => "save.outage",
                Save::Household { .. } => "save.household",
                Save::EditOutage { .. } => "save.edit_outage",
                Save::ResolveOutage { .. } => "save.resolve_outage",
                Save::Extension { .. } => "save.extension",
                Save::Status { .. } => "save.status",
                Save::Person { .. } => "save.person",
                Save::Leave { .. } => "save.leave",
                Save::Place { .. } => "save.place",
                Save::Step { .. } => "save.step",
                Save::Transfer { .. } => "save.transfer",
                Save::AnswerTransfer { .. } => "save.answer_transfer",
            },
        }
    }
}

/// A write asked for by a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Save {
    /// Record a confirmation.
    Confirm {
        /// The appointment.
        appointment_id: i64,
        /// Its version when the form opened.
        version: i64,
        /// The number typed.
        number: String,
        /// When the person confirmed.
        confirmed_at: DateTime<Utc>,
        /// How the confirmation reached the shelter.
        channel: crate::domain::appointment::Channel,
    },
    /// Record a group's confirmations together.
    ConfirmGroup {
        /// (appointment, version, number), one a traveller.
        items: Vec<(i64, i64, String)>,
        /// When they confirmed.
        confirmed_at: DateTime<Utc>,
        /// How the confirmations reached the shelter.
        channel: crate::domain::appointment::Channel,
    },
    /// Schedule an appointment.
    Schedule(crate::store::NewAppointment),
    /// Add a person; a new household is made for them when `new_household`
    /// holds (shelter, label). Unless `even_if_known`, people with the same
    /// folded name and birth date are reported instead of adding.
    NewPerson {
        /// What was typed.
        details: Box<crate::domain::PersonDetails>,
        /// (shelter, label) of a new household for them.
        new_household: Option<(i64, String)>,
        /// The coordinator saw the possible duplicates and adds anyway.
        even_if_known: bool,
    },
    /// A household's new label and US destination.
    Household {
        /// The household.
        household_id: i64,
        /// Its version when the form opened.
        version: i64,
        /// Its label.
        label: String,
        /// Its US destination, if any.
        us_destination: Option<String>,
    },
    /// Record an outage.
    Outage(crate::store::NewOutage),
    /// New details for a recorded outage.
    EditOutage {
        /// The outage.
        outage_id: i64,
        /// Its version when the form opened.
        version: i64,
        /// What it says now.
        details: crate::store::NewOutage,
    },
    /// The outage ended at `at` (CBP One works again).
    ResolveOutage {
        /// The outage.
        outage_id: i64,
        /// Its version when the form opened.
        version: i64,
        /// When it ended.
        at: DateTime<Utc>,
    },
    /// Grant an extension.
    Extension {
        /// The outage.
        outage_id: i64,
        /// Its version when the form opened.
        version: i64,
        /// The new deadline.
        until: DateTime<Utc>,
    },
    /// Move an appointment to another status.
    Status {
        /// The appointment.
        appointment_id: i64,
        /// Its version when the form opened.
        version: i64,
        /// The new status.
        to: crate::domain::AppointmentStatus,
    },
    /// Save a person's new details.
    Person {
        /// The person.
        person_id: i64,
        /// Their version when the form opened.
        version: i64,
        /// The details to save.
        details: Box<crate::domain::PersonDetails>,
    },
    /// Record that a person left.
    Leave {
        /// The person.
        person_id: i64,
        /// Their version when the form opened.
        version: i64,
        /// Their details, with status and day of leaving.
        details: Box<crate::domain::PersonDetails>,
        /// Someone who crossed with an appointment still to confirm
        /// crossed another way: cancel it.
        cancel_pending: bool,
        /// The others of the household still present, leaving with them
        /// in the same commit: (person, version, details).
        others: Vec<(i64, i64, crate::domain::PersonDetails)>,
    },
    /// Record a step of a case.
    Step {
        /// The case.
        case_id: i64,
        /// Its version when the form opened.
        version: i64,
        /// Its program's id.
        program: String,
        /// The step's id.
        step: String,
        /// When it happened.
        at: DateTime<Utc>,
        /// A note.
        note: String,
    },
    /// Put a person in a section of their shelter (or in none).
    Place {
        /// The person.
        person_id: i64,
        /// Their version when the form opened.
        version: i64,
        /// The section, or none.
        section_id: Option<i64>,
    },
    /// Ask for a household to move to another shelter, with consent.
    Transfer {
        /// The household.
        household_id: i64,
        /// The receiving shelter.
        to_shelter: i64,
        /// The person's answer and who asked.
        consent: crate::domain::Consent,
    },
    /// The receiving shelter's answer to a transfer.
    AnswerTransfer {
        /// The transfer.
        transfer_id: i64,
        /// Its version when the form opened.
        version: i64,
        /// Accepted (the household moves) or declined (with `reason`).
        accept: bool,
        /// Why it was declined.
        reason: String,
    },
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// A confirmation was recorded.
    Confirmation,
    /// An outage was recorded.
    Outage,
    /// An outage's details were corrected.
    OutageEdited,
    /// An outage was marked resolved.
    OutageResolved,
    /// An appointment was scheduled.
    Appointment,
    /// A person was added.
    /// A household's label and destination.
    Household,
    NewPerson(i64),
    /// This many appointments got the extension.
    Extension(usize, usize),
    /// An appointment changed status.
    Status,
    /// A person's details changed.
    Person,
    /// A person was put in a section.
    Placed,
    /// A case's step was recorded.
    Step,
    /// A transfer was asked for.
    TransferAsked,
    /// A transfer was accepted (true: the household is here now) or declined.
    TransferAnswered(bool),
}

/// A person's page, as loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonPage {
    /// The person.
    pub person: Person,
    /// Their group.
    pub household: Household,
    /// Everyone in the group (the person included).
    pub members: Vec<Person>,
    /// Their appointments, newest first.
    pub appointments: Vec<Appointment>,
    /// Who changed what, oldest first.
    pub audit: Vec<AuditEntry>,
    /// Pending appointments of the whole group, with names (for confirming them together).
    pub group_pending: Vec<AppointmentLine>,
    /// The zone of the shelter the group stays at (their messages say
    /// deadlines in it).
    pub shelter_tz: Option<chrono_tz::Tz>,
    /// The name of that shelter.
    pub shelter: Option<String>,
    /// The section the person is in, if any.
    pub section: Option<crate::domain::section::Section>,
    /// The sections of their shelter (where they can be placed).
    pub sections: Vec<crate::domain::section::Section>,
    /// The other shelters of the network (where the household can be
    /// transferred to).
    pub elsewhere: Vec<crate::domain::Shelter>,
    /// A transfer of the household waiting for an answer, if any.
    pub pending_transfer: Option<crate::domain::Transfer>,
    /// Their open cases in the programs kept as files (their own and
    /// their household's), for the message pane.
    pub cases: Vec<crate::domain::program::record::CaseRecord>,
}

/// Roster rows read.
#[derive(Debug, Clone)]
pub struct RosterWindow {
    /// The generation asked for.
    pub generation: u64,
    /// The read's number.
    pub read: u64,
    /// Where they were asked for.
    pub place: Place,
    /// The list position of the first row.
    pub at: usize,
    /// The rows.
    pub rows: Vec<RosterRow>,
    /// How many were asked for.
    pub limit: usize,
    /// The count, when asked for.
    pub count: Option<RosterCount>,
    /// The nationalities on the roster, with the count.
    pub nationalities: Option<Vec<String>>,
    /// The shelters, with the count.
    pub shelters: Option<Vec<crate::domain::Shelter>>,
}

/// A period's figures, as read for the screen.
#[derive(Debug, Clone)]
pub struct HeadcountPage {
    /// First day.
    pub from: NaiveDate,
    /// Last day (today, in the month going on).
    pub to: NaiveDate,
    /// The counts.
    pub counts: crate::domain::headcount::Headcount,
    /// The shelters' names.
    pub shelters: Vec<crate::domain::Shelter>,
    /// Their sections (names).
    pub sections: Vec<crate::domain::section::Section>,
}

impl HeadcountPage {
    /// The places shown, in order: each shelter counted, then the network
    /// when there are several (`None`).
    pub fn places(&self) -> Vec<Option<i64>> {
        let mut out: Vec<Option<i64>> = self.counts.shelters.keys().copied().map(Some).collect();
        if out.len() != 1 {
            out.push(None);
        }
        out
    }

    /// The name and figures of place `i` of [`Self::places`].
    pub fn place(&self, i: usize) -> Option<(String, &crate::domain::headcount::Counts)> {
        match *self.places().get(i)? {
            Some(id) => {
                let name = self
                    .shelters
                    .iter()
                    .find(|s| s.id == id)
                    .map_or_else(|| format!("#{id}"), |s| s.name.clone());
                Some((name, self.counts.shelters.get(&id)?))
            }
            None => Some((String::new(), &self.counts.network)),
        }
    }

    /// A section's name.
    pub fn section_name(&self, id: i64) -> String {
        self.sections
            .iter()
            .find(|s| s.id == id)
            .map_or_else(|| format!("#{id}"), |s| s.name.clone())
    }
}

pub use crate::store::CaseLine;

/// What the store worker sends back.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Dashboard figures.
    Dashboard(std::sync::Arc<DashboardData>),
    /// People leaving tomorrow, by section id.
    Leaving(std::collections::HashMap<i64, i64>),
    /// Roster rows.
    RosterWindow(Box<RosterWindow>),
    /// A person's page.
    Person(Box<PersonPage>),
    /// A day of appointments.
    Appointments {
        /// The day asked for.
        day: NaiveDate,
        /// Its appointments.
        lines: Vec<AppointmentLine>,
        /// Every outage (for "at risk").
        outages: Vec<Outage>,
    },
    /// Every outage.
    Outages(Vec<Outage>),
    /// A period's headcount.
    Headcount(Box<HeadcountPage>),
    /// The open cases, soonest deadline first.
    Cases(Vec<CaseLine>),
    /// Appointments at risk from one outage.
    AtRisk {
        /// Outage id.
        outage_id: i64,
        /// Its appointments at risk.
        lines: Vec<AppointmentLine>,
    },
    /// Everyone at risk now, every day.
    AtRiskNow(Vec<AppointmentLine>),
    /// An appointment to confirm, and its household's pending ones.
    ConfirmFor {
        /// The appointment chosen (`None`: no longer pending).
        chosen: Option<AppointmentLine>,
        /// The household's pending appointments.
        pending: Vec<AppointmentLine>,
    },
    /// Tomorrow's list was written.
    Printed {
        /// The file.
        path: std::path::PathBuf,
        /// People on it.
        people: usize,
        /// Ports on it.
        ports: usize,
    },
    /// A form's save went through.
    Saved(Saved),
    /// A form\'s save was refused (a rule, a conflict naming who changed
    /// the row, a busy database), said as a notice.
    SaveFailed(Notice),
    /// A new person looks like people already on the roster: (id, name).
    PossibleDuplicates(Vec<(i64, String)>),
    /// Another process committed: what is shown may be stale.
    Changed,
    /// A request failed, said as a notice.
    Failed(Notice),
    /// What a screen shows is not held by this database's backend yet
    /// (PostgreSQL): the screen says so in place of its data.
    Unavailable {
        /// The screen.
        screen: super::screen::Screen,
        /// Why, in the store's words.
        notice: Notice,
    },
}

/// What happens to the app.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key was pressed.
    Key(KeyEvent),
    /// Text was pasted.
    Paste(String),
    /// The terminal changed size.
    Resize(u16, u16),
    /// The clock moved on (to a new minute).
    Tick(DateTime<Utc>),
    /// The store answered.
    Reply(Reply),
}
