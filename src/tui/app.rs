//! The application state and `update`: messages in, state changed, requests
//! for the store out. Views only read this state.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::form::{Form, FormKey, FormKind};
use super::i18n::{t, Lang};
use super::keys::{Action, KeyMap};
use super::search::SearchIndex;
use super::theme::Theme;
use crate::domain::names::fold;
use crate::domain::outage::is_at_risk;
use crate::domain::{
    port, Appointment, AuditEntry, Household, Outage, Person, PersonStatus, Shelter,
};
use crate::store::{AppointmentLine, DashboardData, RosterRow};

/// The screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// The morning view.
    Dashboard,
    /// The people.
    Roster,
    /// One person.
    Person,
    /// Appointments by day.
    Appointments,
    /// CBP One outages.
    Outages,
}

impl Screen {
    /// The screens reached by Tab, in order.
    pub const TABS: [Self; 4] = [
        Self::Dashboard,
        Self::Roster,
        Self::Appointments,
        Self::Outages,
    ];

    /// The string-table key of its title.
    pub fn title_key(self) -> &'static str {
        match self {
            Self::Dashboard => "screen_dashboard",
            Self::Roster => "screen_roster",
            Self::Person => "screen_person",
            Self::Appointments => "screen_appointments",
            Self::Outages => "screen_outages",
        }
    }

    /// The actions that mean something on this screen, for the footer and help.
    pub fn actions(self) -> &'static [Action] {
        use Action::*;
        match self {
            Self::Dashboard => &[
                Dashboard,
                Roster,
                Appointments,
                Outages,
                NextScreen,
                PrevScreen,
                RecordOutage,
                Help,
                Quit,
                ForceQuit,
            ],
            Self::Roster => &[
                AddPerson,
                Search,
                Sort,
                Filter,
                Open,
                Up,
                Down,
                PageUp,
                PageDown,
                Top,
                Bottom,
                Back,
                Dashboard,
                Roster,
                Appointments,
                Outages,
                NextScreen,
                PrevScreen,
                Help,
                Quit,
                ForceQuit,
            ],
            Self::Person => &[
                Confirm,
                Schedule,
                EditPerson,
                MarkMissed,
                MarkPresented,
                MarkCancelled,
                MarkDeparted,
                Back,
                Up,
                Down,
                Top,
                RecordOutage,
                Dashboard,
                Roster,
                Appointments,
                Outages,
                Help,
                Quit,
                ForceQuit,
            ],
            Self::Appointments => &[
                Confirm,
                Left,
                Right,
                Filter,
                Open,
                Up,
                Down,
                PageUp,
                PageDown,
                Top,
                Bottom,
                Dashboard,
                Roster,
                Appointments,
                Outages,
                NextScreen,
                PrevScreen,
                Help,
                Quit,
                ForceQuit,
            ],
            Self::Outages => &[
                GrantExtension,
                RecordOutage,
                Up,
                Down,
                Open,
                Dashboard,
                Roster,
                Appointments,
                Outages,
                NextScreen,
                PrevScreen,
                Help,
                Quit,
                ForceQuit,
            ],
        }
    }
}

/// What `update` asks of the store worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// The dashboard at `now`, with `today` the shelter's date.
    Dashboard {
        /// The clock.
        now: DateTime<Utc>,
        /// The shelter's local date.
        today: NaiveDate,
    },
    /// Every roster line.
    Roster {
        /// The clock (for "next appointment").
        now: DateTime<Utc>,
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
    /// The appointments an outage puts at risk.
    AtRisk {
        /// Outage id.
        outage_id: i64,
    },
    /// Save what a form holds.
    Save(Save),
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
    /// Record an outage.
    Outage(crate::store::NewOutage),
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
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// A confirmation was recorded.
    Confirmation,
    /// An outage was recorded.
    Outage,
    /// An appointment was scheduled.
    Appointment,
    /// A person was added.
    NewPerson,
    /// This many appointments got the extension.
    Extension(usize),
    /// An appointment changed status.
    Status,
    /// A person's details changed.
    Person,
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
}

/// What the store worker sends back.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Dashboard figures.
    Dashboard(Box<DashboardData>),
    /// Every roster line, with its search index.
    Roster(Arc<Vec<RosterRow>>, Arc<SearchIndex>),
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
    /// Appointments at risk from one outage.
    AtRisk {
        /// Outage id.
        outage_id: i64,
        /// Its appointments at risk.
        lines: Vec<AppointmentLine>,
    },
    /// A form's save went through.
    Saved(Saved),
    /// A form's save was refused; the text (a rule, a conflict naming who
    /// changed the row, a busy database) is safe to show.
    SaveFailed(String),
    /// A new person looks like people already on the roster: (id, name).
    PossibleDuplicates(Vec<(i64, String)>),
    /// Another process committed: what is shown may be stale.
    Changed,
    /// A request failed; the text is safe to show.
    Failed(String),
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

/// Roster columns to sort by, cycled with the sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// By name (A–Z).
    #[default]
    Name,
    /// By household.
    Household,
    /// By nationality.
    Nationality,
    /// Longest waiting first.
    Waiting,
    /// Soonest appointment first.
    Appointment,
    /// By status.
    Status,
}

impl SortKey {
    const ORDER: [Self; 6] = [
        Self::Name,
        Self::Household,
        Self::Nationality,
        Self::Waiting,
        Self::Appointment,
        Self::Status,
    ];

    fn next(self) -> Self {
        let i = Self::ORDER.iter().position(|&k| k == self).unwrap_or(0);
        Self::ORDER[(i + 1) % Self::ORDER.len()]
    }

    /// The string-table key of its column.
    pub fn column_key(self) -> &'static str {
        match self {
            Self::Name => "col_name",
            Self::Household => "col_household",
            Self::Nationality => "col_nationality",
            Self::Waiting => "col_waiting",
            Self::Appointment => "col_appointment",
            Self::Status => "col_status",
        }
    }
}

/// The roster filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RosterFilter {
    /// Only this status.
    pub status: Option<PersonStatus>,
    /// Only people whose shown appointment is at this port (index in the port table).
    pub port: Option<u8>,
    /// Only this nationality.
    pub nationality: Option<String>,
}

/// The roster screen.
#[derive(Debug, Clone, Default)]
pub struct RosterState {
    /// Every line, as loaded.
    pub rows: Arc<Vec<RosterRow>>,
    /// Their searchable text.
    search: Arc<SearchIndex>,
    /// Whether the lines have arrived.
    pub loaded: bool,
    /// Lines in the current sort order (indices into `rows`).
    sorted: Vec<u32>,
    /// Lines shown: sorted, filtered and searched (indices into `rows`).
    pub view: Vec<u32>,
    /// Selected position in `view`.
    pub selected: usize,
    /// First position of `view` on screen.
    pub offset: usize,
    /// Sort column.
    pub sort: SortKey,
    /// Filters.
    pub filter: RosterFilter,
    /// Search text.
    pub query: String,
    /// Whether keys go to the search field.
    pub searching: bool,
    /// The filter pane, when open: which filter has focus.
    pub filter_focus: Option<usize>,
}

impl RosterState {
    /// The selected line.
    pub fn selected_row(&self) -> Option<&RosterRow> {
        self.view
            .get(self.selected)
            .map(|&i| &self.rows[i as usize])
    }

    /// Nationalities present in the data, sorted (for the filter).
    pub fn nationalities(&self) -> Vec<String> {
        let mut v: Vec<String> = self.rows.iter().map(|r| r.nationality.clone()).collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Which appointments the appointments screen lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AppointmentFilter {
    /// All.
    #[default]
    All,
    /// Pending confirmation.
    Pending,
    /// Pending and at risk from an outage.
    AtRisk,
}

impl AppointmentFilter {
    /// The string-table key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::All => "filter_all",
            Self::Pending => "filter_pending",
            Self::AtRisk => "filter_at_risk",
        }
    }
}

/// The appointments screen.
#[derive(Debug, Clone, Default)]
pub struct AppointmentsState {
    /// The shelter's day shown.
    pub day: Option<NaiveDate>,
    /// That day's appointments, as loaded.
    pub lines: Vec<AppointmentLine>,
    /// Every outage, for "at risk".
    pub outages: Vec<Outage>,
    /// Which to list.
    pub filter: AppointmentFilter,
    /// Selected position among the listed.
    pub selected: usize,
    /// First listed position on screen.
    pub offset: usize,
}

impl AppointmentsState {
    /// The appointments listed under the current filter.
    pub fn listed(&self) -> Vec<&AppointmentLine> {
        self.lines
            .iter()
            .filter(|l| match self.filter {
                AppointmentFilter::All => true,
                AppointmentFilter::Pending => {
                    l.appointment.status == crate::domain::AppointmentStatus::PendingConfirmation
                }
                AppointmentFilter::AtRisk => is_at_risk(&l.appointment, &self.outages),
            })
            .collect()
    }
}

/// The outages screen.
#[derive(Debug, Clone, Default)]
pub struct OutagesState {
    /// Every outage, active first.
    pub list: Vec<Outage>,
    /// Whether the list has arrived.
    pub loaded: bool,
    /// Selected position.
    pub selected: usize,
    /// Appointments at risk from the selected outage.
    pub at_risk: Option<(i64, Vec<AppointmentLine>)>,
}

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Already translated text.
    pub text: String,
    /// Whether it reports a failure.
    pub error: bool,
}

/// Everything the screen shows.
#[derive(Debug, Clone)]
pub struct App {
    /// Current screen.
    pub screen: Screen,
    /// Where Back goes from the person screen.
    pub back_to: Screen,
    /// Whether the help overlay is open.
    pub help: bool,
    /// The clock.
    pub now: DateTime<Utc>,
    /// Interface language.
    pub lang: Lang,
    /// Paint.
    pub theme: Theme,
    /// Keys.
    pub keys: KeyMap,
    /// The shelter whose clock is shown.
    pub shelter: Option<Shelter>,
    /// Its zone.
    pub tz: Tz,
    /// Terminal size.
    pub size: (u16, u16),
    /// Dashboard figures, once loaded.
    pub dashboard: Option<DashboardData>,
    /// Roster.
    pub roster: RosterState,
    /// Person page, once loaded.
    pub person: Option<PersonPage>,
    /// Scroll of the person page.
    pub person_scroll: u16,
    /// Appointments.
    pub appointments: AppointmentsState,
    /// Outages.
    pub outages: OutagesState,
    /// The open form, if any.
    pub form: Option<super::form::Form>,
    /// The status line.
    pub status: Option<Status>,
    /// Set when the app should end.
    pub quit: bool,
    /// Set when something visible changed since the last frame.
    pub dirty: bool,
}

/// Rows of the screen that are not list body: app bar, banner, table
/// header, status line, footer. Shared with the views so that paging
/// moves by exactly one screenful.
pub const CHROME_ROWS: u16 = 6;

impl App {
    /// A new app at `now`, showing the dashboard.
    pub fn new(
        now: DateTime<Utc>,
        lang: Lang,
        theme: Theme,
        keys: KeyMap,
        shelter: Option<Shelter>,
        size: (u16, u16),
    ) -> Self {
        let tz = shelter
            .as_ref()
            .and_then(|s| s.tz.parse().ok())
            .unwrap_or(chrono_tz::America::Tijuana);
        Self {
            screen: Screen::Dashboard,
            back_to: Screen::Roster,
            help: false,
            now,
            lang,
            theme,
            keys,
            shelter,
            tz,
            size,
            dashboard: None,
            roster: RosterState::default(),
            person: None,
            person_scroll: 0,
            appointments: AppointmentsState::default(),
            outages: OutagesState::default(),
            form: None,
            status: None,
            quit: false,
            dirty: true,
        }
    }

    /// The shelter's date today.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }

    /// Opens a form kept as a draft when the last session ended, and says so.
    pub fn offer_draft(&mut self, draft: &str) {
        if let Some(form) = Form::from_draft(draft) {
            self.form = Some(form);
            let text = t(self.lang, "draft_offered").to_string();
            self.set_status(text, false);
            self.dirty = true;
        }
    }

    /// The open form's input, when there is any worth keeping.
    pub fn draft(&self) -> Option<String> {
        self.form.as_ref().filter(|f| f.dirty).map(Form::to_draft)
    }

    /// What to load first: the dashboard, then the roster in the background.
    pub fn start(&self) -> Vec<Request> {
        vec![
            Request::Dashboard {
                now: self.now,
                today: self.today(),
            },
            Request::Roster { now: self.now },
        ]
    }

    /// Rows available to a list body on this terminal.
    pub fn page(&self) -> usize {
        usize::from(self.size.1.saturating_sub(CHROME_ROWS)).max(1)
    }

    /// Outages going on now.
    pub fn active_outages(&self) -> Vec<&Outage> {
        let list = match &self.dashboard {
            Some(d) => &d.outages,
            None => &self.outages.list,
        };
        list.iter().filter(|o| o.is_active(self.now)).collect()
    }

    /// Pending appointments (deadline ahead) at risk from outages going on.
    pub fn at_risk_now(&self) -> usize {
        let Some(d) = &self.dashboard else { return 0 };
        let active: Vec<Outage> = self.active_outages().into_iter().cloned().collect();
        d.pending
            .iter()
            .filter(|a| a.effective_deadline() > self.now)
            .filter(|a| is_at_risk(a, &active))
            .count()
    }

    fn set_status(&mut self, key_text: String, error: bool) {
        self.status = Some(Status {
            text: key_text,
            error,
        });
    }

    fn appointments_request(&self, day: NaiveDate) -> Request {
        let start = |d: NaiveDate| {
            crate::domain::port::from_local_in(self.tz, d.and_hms_opt(0, 0, 0).unwrap_or_default())
                .unwrap_or_else(|_| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        };
        Request::Appointments {
            day,
            from: start(day),
            to: start(day + Duration::days(1)),
        }
    }

    fn show(&mut self, screen: Screen, out: &mut Vec<Request>) {
        if screen != self.screen {
            self.screen = screen;
            self.dirty = true;
        }
        match screen {
            Screen::Appointments if self.appointments.day.is_none() => {
                let today = self.today();
                self.appointments.day = Some(today);
                out.push(self.appointments_request(today));
            }
            Screen::Outages if !self.outages.loaded => out.push(Request::Outages),
            _ => {}
        }
    }

    fn reload_all(&self) -> Vec<Request> {
        let mut out = vec![Request::Dashboard {
            now: self.now,
            today: self.today(),
        }];
        if self.roster.loaded {
            out.push(Request::Roster { now: self.now });
        }
        if let Some(p) = &self.person {
            out.push(Request::Person { id: p.person.id });
        }
        if let Some(day) = self.appointments.day {
            out.push(self.appointments_request(day));
        }
        if self.outages.loaded {
            out.push(Request::Outages);
        }
        if let Some((id, _)) = &self.outages.at_risk {
            out.push(Request::AtRisk { outage_id: *id });
        }
        out
    }
}

/// Applies one message; returns what to ask of the store.
pub fn update(app: &mut App, msg: Msg) -> Vec<Request> {
    let mut out = Vec::new();
    match msg {
        Msg::Key(ev) => {
            if ev.kind != KeyEventKind::Release {
                on_key(app, &ev, &mut out);
            }
        }
        Msg::Paste(text) => {
            if let Some(form) = &mut app.form {
                form.paste(&text);
                app.dirty = true;
            } else if app.screen == Screen::Roster && app.roster.searching {
                // Pasted text may hold newlines and escape sequences: keep
                // printable characters only.
                let clean: String = text.chars().filter(|c| !c.is_control()).collect();
                app.roster.query.push_str(&clean);
                refresh_roster_view(app);
            }
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            clamp_scroll(app);
            app.dirty = true;
        }
        Msg::Tick(now) => {
            let day_changed = now.with_timezone(&app.tz).date_naive() != app.today();
            app.now = now;
            app.dirty = true;
            if day_changed {
                out = app.reload_all();
            }
        }
        Msg::Reply(reply) => on_reply(app, reply, &mut out),
    }
    out
}

fn on_reply(app: &mut App, reply: Reply, out: &mut Vec<Request>) {
    app.dirty = true;
    match reply {
        Reply::Dashboard(d) => app.dashboard = Some(*d),
        Reply::Roster(rows, search) => {
            let keep = app.roster.selected_row().map(|r| r.id);
            app.roster.rows = rows;
            app.roster.search = search;
            app.roster.loaded = true;
            resort_roster(app);
            if let Some(id) = keep {
                if let Some(pos) = app
                    .roster
                    .view
                    .iter()
                    .position(|&i| app.roster.rows[i as usize].id == id)
                {
                    app.roster.selected = pos;
                }
            }
            clamp_scroll(app);
        }
        Reply::Person(page) => {
            if let Some(form) = &mut app.form {
                let is_theirs = matches!(form.kind, FormKind::Person { person_id, .. } if person_id == page.person.id);
                if form.conflicted && is_theirs {
                    if let Some(base) = &form.base {
                        // What they changed, field by field: old → new.
                        let mut was = form.clone();
                        was.fill_person(base);
                        let mut now = form.clone();
                        now.fill_person(&page.person.details);
                        let changes: Vec<String> = was
                            .fields
                            .iter()
                            .zip(&now.fields)
                            .filter(|(a, b)| a.input != b.input)
                            .map(|(a, b)| {
                                format!(
                                    "{}: {:?} → {:?}",
                                    t(app.lang, a.label),
                                    a.value(),
                                    b.value()
                                )
                            })
                            .collect();
                        form.error = Some(format!(
                            "{} {} ({}): {}. {}",
                            t(app.lang, "changed_by"),
                            page.person.updated_by,
                            super::views::local_when(app.lang, app.tz, page.person.updated_at),
                            changes.join("; "),
                            t(app.lang, "rebase_hint")
                        ));
                    }
                    form.newer = Some((Box::new(page.person.details.clone()), page.person.version));
                }
            }
            // Ignore a page for someone no longer shown.
            if app
                .person
                .as_ref()
                .is_none_or(|p| p.person.id == page.person.id)
            {
                app.person = Some(*page);
            }
        }
        Reply::Appointments {
            day,
            lines,
            outages,
        } => {
            if app.appointments.day == Some(day) {
                app.appointments.lines = lines;
                app.appointments.outages = outages;
                clamp_scroll(app);
            }
        }
        Reply::Outages(list) => {
            app.outages.list = list;
            app.outages.loaded = true;
            app.outages.selected = app
                .outages
                .selected
                .min(app.outages.list.len().saturating_sub(1));
            if let Some(o) = app.outages.list.get(app.outages.selected) {
                if app
                    .outages
                    .at_risk
                    .as_ref()
                    .is_none_or(|(id, _)| *id != o.id)
                {
                    out.push(Request::AtRisk { outage_id: o.id });
                }
            }
        }
        Reply::AtRisk { outage_id, lines } => {
            if app
                .outages
                .list
                .get(app.outages.selected)
                .is_some_and(|o| o.id == outage_id)
            {
                app.outages.at_risk = Some((outage_id, lines));
            }
        }
        Reply::Saved(what) => {
            app.form = None;
            let text = match what {
                Saved::Confirmation => t(app.lang, "saved_confirmation").to_string(),
                Saved::Outage => t(app.lang, "saved_outage").to_string(),
                Saved::Appointment => t(app.lang, "saved_appointment").to_string(),
                Saved::NewPerson => t(app.lang, "saved_new_person").to_string(),
                Saved::Status => t(app.lang, "saved_status").to_string(),
                Saved::Person => t(app.lang, "saved_person").to_string(),
                Saved::Extension(n) => {
                    format!(
                        "{} {n} {}",
                        t(app.lang, "saved_extension"),
                        t(app.lang, "appointments_count")
                    )
                }
            };
            app.set_status(text, false);
            out.extend(app.reload_all());
        }
        Reply::PossibleDuplicates(found) => {
            if let Some(form) = &mut app.form {
                form.saving = false;
                let names: Vec<String> = found.iter().map(|(id, n)| format!("#{id} {n}")).collect();
                form.error = Some(format!(
                    "{} {}. {}",
                    t(app.lang, "possible_duplicate"),
                    names.join(", "),
                    t(app.lang, "duplicate_hint")
                ));
                if let FormKind::Person { confirmed_new, .. } = &mut form.kind {
                    *confirmed_new = true;
                }
            }
        }
        Reply::SaveFailed(text) => {
            // The form stays open with everything typed in it.
            if let Some(form) = &mut app.form {
                form.saving = false;
                form.error = Some(text);
                // An edit refused because someone saved first: fetch their
                // version, to show what they changed.
                if let (FormKind::Person { person_id, .. }, Some(_)) = (&form.kind, &form.base) {
                    form.conflicted = true;
                    out.push(Request::Person { id: *person_id });
                }
            } else {
                app.set_status(text, true);
            }
        }
        Reply::Changed => {
            let text = super::i18n::t(app.lang, "status_refreshed").to_string();
            app.set_status(text, false);
            out.extend(app.reload_all());
        }
        Reply::Failed(text) => app.set_status(text, true),
    }
}

fn on_key(app: &mut App, ev: &KeyEvent, out: &mut Vec<Request>) {
    let action = app.keys.action(ev);
    if action == Some(Action::ForceQuit) {
        app.quit = true;
        return;
    }
    if app.form.is_some() {
        form_key(app, ev, out);
        return;
    }
    if app.help {
        if matches!(action, Some(Action::Help | Action::Back | Action::Quit)) {
            app.help = false;
            app.dirty = true;
        }
        return;
    }
    if app.screen == Screen::Roster && app.roster.searching {
        search_key(app, ev, action);
        return;
    }
    if app.screen == Screen::Roster && app.roster.filter_focus.is_some() {
        filter_key(app, action);
        return;
    }
    let Some(action) = action else { return };
    if app.status.take().is_some() {
        app.dirty = true;
    }
    match action {
        Action::Quit => app.quit = true,
        Action::Help => {
            app.help = true;
            app.dirty = true;
        }
        Action::RecordOutage => open_outage_form(app),
        Action::Confirm if app.screen == Screen::Person => open_confirm_form(app),
        Action::Confirm if app.screen == Screen::Appointments => {
            let line = app
                .appointments
                .listed()
                .get(app.appointments.selected)
                .map(|l| {
                    (
                        l.appointment.id,
                        l.appointment.version,
                        l.appointment.status,
                    )
                });
            let pending = line.and_then(|(id, version, status)| {
                (status == crate::domain::AppointmentStatus::PendingConfirmation)
                    .then_some((id, version))
            });
            open_single_confirm(app, pending);
        }
        Action::MarkMissed if app.screen == Screen::Person => {
            open_status_form(app, crate::domain::AppointmentStatus::Missed)
        }
        Action::MarkPresented if app.screen == Screen::Person => {
            open_status_form(app, crate::domain::AppointmentStatus::Presented)
        }
        Action::MarkCancelled if app.screen == Screen::Person => {
            open_status_form(app, crate::domain::AppointmentStatus::Cancelled)
        }
        Action::MarkDeparted if app.screen == Screen::Person => open_leave_form(app),
        Action::Schedule if app.screen == Screen::Person => open_schedule_form(app),
        Action::AddPerson if app.screen == Screen::Roster => open_person_form(app, true),
        Action::EditPerson if app.screen == Screen::Person => open_person_form(app, false),
        Action::GrantExtension if app.screen == Screen::Outages => open_extension_form(app),
        Action::Dashboard => app.show(Screen::Dashboard, out),
        Action::Roster => app.show(Screen::Roster, out),
        Action::Appointments => app.show(Screen::Appointments, out),
        Action::Outages => app.show(Screen::Outages, out),
        Action::NextScreen | Action::PrevScreen => {
            let current = Screen::TABS
                .iter()
                .position(|&s| s == app.screen)
                .unwrap_or(1);
            let n = Screen::TABS.len();
            let next = if action == Action::NextScreen {
                (current + 1) % n
            } else {
                (current + n - 1) % n
            };
            app.show(Screen::TABS[next], out);
        }
        _ => screen_key(app, action, out),
    }
}

fn screen_key(app: &mut App, action: Action, out: &mut Vec<Request>) {
    let page = app.page();
    match app.screen {
        Screen::Dashboard => {}
        Screen::Roster => match action {
            Action::Search => {
                app.roster.searching = true;
                app.dirty = true;
            }
            Action::Back if !app.roster.query.is_empty() => {
                app.roster.query.clear();
                refresh_roster_view(app);
            }
            Action::Sort => {
                app.roster.sort = app.roster.sort.next();
                resort_roster(app);
                app.dirty = true;
            }
            Action::Filter => {
                app.roster.filter_focus = Some(0);
                app.dirty = true;
            }
            Action::Open => {
                if let Some(id) = app.roster.selected_row().map(|r| r.id) {
                    open_person(app, id, Screen::Roster, out);
                }
            }
            _ => {
                let len = app.roster.view.len();
                move_selection(
                    &mut app.roster.selected,
                    &mut app.roster.offset,
                    len,
                    page,
                    action,
                    &mut app.dirty,
                );
            }
        },
        Screen::Person => match action {
            Action::Back => {
                app.screen = app.back_to;
                app.dirty = true;
            }
            Action::Up => scroll_person(app, -1),
            Action::Down => scroll_person(app, 1),
            Action::PageUp => scroll_person(app, -(page as i32)),
            Action::PageDown => scroll_person(app, page as i32),
            Action::Top => scroll_person(app, i32::MIN / 2),
            _ => {}
        },
        Screen::Appointments => match action {
            Action::Left | Action::Right => {
                let day = app.appointments.day.unwrap_or_else(|| app.today());
                let day = day + Duration::days(if action == Action::Left { -1 } else { 1 });
                app.appointments.day = Some(day);
                app.appointments.lines.clear();
                app.appointments.selected = 0;
                app.appointments.offset = 0;
                app.dirty = true;
                out.push(app.appointments_request(day));
            }
            Action::Filter => {
                app.appointments.filter = match app.appointments.filter {
                    AppointmentFilter::All => AppointmentFilter::Pending,
                    AppointmentFilter::Pending => AppointmentFilter::AtRisk,
                    AppointmentFilter::AtRisk => AppointmentFilter::All,
                };
                app.appointments.selected = 0;
                app.appointments.offset = 0;
                app.dirty = true;
            }
            Action::Open => {
                let person = app
                    .appointments
                    .listed()
                    .get(app.appointments.selected)
                    .and_then(|l| l.appointment.person_id);
                if let Some(id) = person {
                    open_person(app, id, Screen::Appointments, out);
                }
            }
            _ => {
                let len = app.appointments.listed().len();
                let a = &mut app.appointments;
                move_selection(
                    &mut a.selected,
                    &mut a.offset,
                    len,
                    page,
                    action,
                    &mut app.dirty,
                );
            }
        },
        Screen::Outages => {
            let before = app.outages.selected;
            let len = app.outages.list.len();
            let mut offset = 0;
            move_selection(
                &mut app.outages.selected,
                &mut offset,
                len,
                usize::MAX,
                action,
                &mut app.dirty,
            );
            if app.outages.selected != before {
                if let Some(o) = app.outages.list.get(app.outages.selected) {
                    out.push(Request::AtRisk { outage_id: o.id });
                }
            }
        }
    }
}

fn open_person(app: &mut App, id: i64, from: Screen, out: &mut Vec<Request>) {
    if app.person.as_ref().is_some_and(|p| p.person.id != id) {
        app.person = None;
    }
    app.back_to = from;
    app.screen = Screen::Person;
    app.person_scroll = 0;
    app.dirty = true;
    out.push(Request::Person { id });
}

fn scroll_person(app: &mut App, by: i32) {
    let next = (i32::from(app.person_scroll) + by).clamp(0, 500) as u16;
    if next != app.person_scroll {
        app.person_scroll = next;
        app.dirty = true;
    }
}

/// Moves a list selection, keeping it on screen; `page` is the body height.
fn move_selection(
    selected: &mut usize,
    offset: &mut usize,
    len: usize,
    page: usize,
    action: Action,
    dirty: &mut bool,
) {
    if len == 0 {
        return;
    }
    let last = len - 1;
    let step = page.min(len).max(1);
    let next = match action {
        Action::Up => selected.saturating_sub(1),
        Action::Down => (*selected + 1).min(last),
        Action::PageUp => selected.saturating_sub(step),
        Action::PageDown => (*selected + step).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return,
    };
    let new_offset = match action {
        // Paging turns the whole page, as a reader expects.
        Action::PageDown => (*offset + step).min(len.saturating_sub(page.min(len))),
        Action::PageUp => offset.saturating_sub(step),
        _ => *offset,
    };
    let new_offset = if next < new_offset {
        next
    } else if page != usize::MAX && next >= new_offset + page {
        next + 1 - page
    } else {
        new_offset
    };
    if (next, new_offset) != (*selected, *offset) {
        *selected = next;
        *offset = new_offset;
        *dirty = true;
    }
}

fn clamp_scroll(app: &mut App) {
    let page = app.page();
    let roster_len = app.roster.view.len();
    let appointments_len = app.appointments.listed().len();
    for (selected, offset, len) in [
        (&mut app.roster.selected, &mut app.roster.offset, roster_len),
        (
            &mut app.appointments.selected,
            &mut app.appointments.offset,
            appointments_len,
        ),
    ] {
        *selected = (*selected).min(len.saturating_sub(1));
        if *selected < *offset {
            *offset = *selected;
        } else if *selected >= *offset + page {
            *offset = *selected + 1 - page;
        }
        *offset = (*offset).min(len.saturating_sub(1));
    }
}

fn search_key(app: &mut App, ev: &KeyEvent, action: Option<Action>) {
    let r = &mut app.roster;
    match ev.code {
        KeyCode::Esc => {
            r.searching = false;
            r.query.clear();
        }
        KeyCode::Enter => r.searching = false,
        KeyCode::Backspace => {
            r.query.pop();
        }
        KeyCode::Char('u') if ev.modifiers.contains(KeyModifiers::CONTROL) => r.query.clear(),
        // Control characters never become search text (they could drive
        // the terminal when the query is shown).
        KeyCode::Char(c)
            if !c.is_control()
                && !ev
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            r.query.push(c);
        }
        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => {
            // Moving while searching is allowed: the list is right there.
            let page = app.page();
            let len = app.roster.view.len();
            if let Some(a) = action {
                let r = &mut app.roster;
                move_selection(&mut r.selected, &mut r.offset, len, page, a, &mut app.dirty);
            }
            return;
        }
        _ => return,
    }
    refresh_roster_view(app);
}

fn filter_key(app: &mut App, action: Option<Action>) {
    let Some(focus) = app.roster.filter_focus else {
        return;
    };
    match action {
        Some(Action::Up) => app.roster.filter_focus = Some(focus.saturating_sub(1)),
        Some(Action::Down) => app.roster.filter_focus = Some((focus + 1).min(2)),
        Some(Action::Left | Action::Right) => {
            let forward = action == Some(Action::Right);
            let f = &mut app.roster.filter;
            match focus {
                0 => {
                    let options: Vec<Option<PersonStatus>> = std::iter::once(None)
                        .chain(PersonStatus::ALL.map(Some))
                        .collect();
                    f.status = cycle(&options, &f.status, forward);
                }
                1 => {
                    let options: Vec<Option<u8>> = std::iter::once(None)
                        .chain((0..port::all().len() as u8).map(Some))
                        .collect();
                    f.port = cycle(&options, &f.port, forward);
                }
                _ => {
                    let nats = app.roster.nationalities();
                    let options: Vec<Option<String>> = std::iter::once(None)
                        .chain(nats.into_iter().map(Some))
                        .collect();
                    let f = &mut app.roster.filter;
                    f.nationality = cycle(&options, &f.nationality, forward);
                }
            }
            app.roster.selected = 0;
            app.roster.offset = 0;
            refresh_roster_view(app);
        }
        Some(Action::Back | Action::Open | Action::Filter | Action::Quit) => {
            app.roster.filter_focus = None;
        }
        _ => return,
    }
    app.dirty = true;
}

fn cycle<T: Clone + PartialEq>(options: &[T], current: &T, forward: bool) -> T {
    let i = options.iter().position(|o| o == current).unwrap_or(0);
    let n = options.len();
    options[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
    .clone()
}

/// Sorts the roster for the current sort key, then re-applies filters.
fn resort_roster(app: &mut App) {
    let today = app.today();
    let rows = &app.roster.rows;
    let mut order: Vec<u32> = (0..rows.len() as u32).collect();
    match app.roster.sort {
        SortKey::Name => {
            order.sort_by(|&a, &b| rows[a as usize].folded.cmp(&rows[b as usize].folded))
        }
        SortKey::Household => order.sort_by_key(|&i| {
            let r = &rows[i as usize];
            (fold(&r.household), r.household_id)
        }),
        SortKey::Nationality => order.sort_by(|&a, &b| {
            let (a, b) = (&rows[a as usize], &rows[b as usize]);
            a.nationality
                .cmp(&b.nationality)
                .then_with(|| a.folded.cmp(&b.folded))
        }),
        SortKey::Waiting => {
            order.sort_by_key(|&i| std::cmp::Reverse(rows[i as usize].days_waiting(today)))
        }
        SortKey::Appointment => order.sort_by_key(|&i| {
            let r = &rows[i as usize];
            match r.next {
                Some(n) if n.at >= app.now && n.status.is_live() => (0, n.at),
                Some(n) => (1, n.at),
                None => (2, DateTime::<Utc>::MIN_UTC),
            }
        }),
        SortKey::Status => order.sort_by_key(|&i| {
            let r = &rows[i as usize];
            (PersonStatus::ALL.iter().position(|&s| s == r.status), r.id)
        }),
    }
    app.roster.sorted = order;
    refresh_roster_view(app);
}

/// Re-applies filters and search over the sorted roster, keeping the
/// selected person selected when they are still listed.
fn refresh_roster_view(app: &mut App) {
    // Positions in `rows`, not ids: keeping the selection touches no row.
    let keep = app.roster.view.get(app.roster.selected).copied();
    let r = &app.roster;
    let hits = r.search.matches(&r.query, r.rows.len());
    let f = &r.filter;
    let filtered = f.status.is_some() || f.port.is_some() || f.nationality.is_some();
    let rows = &r.rows;
    let view: Vec<u32> = r
        .sorted
        .iter()
        .copied()
        .filter(|&i| hits.as_ref().is_none_or(|h| h[i as usize]))
        .filter(|&i| {
            if !filtered {
                return true;
            }
            let r = &rows[i as usize];
            f.status.is_none_or(|s| r.status == s)
                && f.port.is_none_or(|p| r.next.is_some_and(|n| n.port == p))
                && f.nationality.as_ref().is_none_or(|n| &r.nationality == n)
        })
        .collect();
    let pos = keep.and_then(|k| view.iter().position(|&i| i == k));
    app.roster.view = view;
    app.roster.selected = pos.unwrap_or(0);
    if pos.is_none() {
        app.roster.offset = 0;
    }
    clamp_scroll(app);
    app.dirty = true;
}

/// Local wall-clock text for a form's default (`2024-05-22 08:00`).
fn local_text(app: &App, at: DateTime<Utc>) -> String {
    at.with_timezone(&app.tz)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn open_confirm_form(app: &mut App) {
    // A group with several travellers waiting: one form confirms them all.
    let group: Vec<(i64, i64, String)> = app
        .person
        .as_ref()
        .map(|p| {
            p.group_pending
                .iter()
                .filter(|l| l.appointment.effective_deadline() > app.now)
                .map(|l| (l.appointment.id, l.appointment.version, l.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    if group.len() > 1 {
        let kind = FormKind::ConfirmGroup { travellers: group };
        let mut form = Form::new(kind.clone(), kind.fields());
        form.set("f_confirmed_at", &local_text(app, app.now));
        app.form = Some(form);
        app.dirty = true;
        return;
    }
    let pending = app.person.as_ref().and_then(|p| {
        p.appointments
            .iter()
            .find(|a| a.status == crate::domain::AppointmentStatus::PendingConfirmation)
            .map(|a| (a.id, a.version))
    });
    open_single_confirm(app, pending);
}

/// Opens the confirmation form for one appointment (id, version), or says
/// there is nothing waiting for confirmation.
fn open_single_confirm(app: &mut App, pending: Option<(i64, i64)>) {
    match pending {
        Some((appointment_id, version)) => {
            let kind = FormKind::Confirm {
                appointment_id,
                version,
            };
            let mut form = Form::new(kind.clone(), kind.fields());
            form.set("f_confirmed_at", &local_text(app, app.now));
            app.form = Some(form);
        }
        None => {
            let text = t(app.lang, "no_pending").to_string();
            app.set_status(text, true);
        }
    }
    app.dirty = true;
}

fn open_status_form(app: &mut App, to: crate::domain::AppointmentStatus) {
    // The person's appointment that can make this move: the soonest still standing.
    let target = app.person.as_ref().and_then(|p| {
        p.appointments
            .iter()
            .rev()
            .find(|a| a.status.can_become(to))
            .map(|a| (a.id, a.version))
    });
    match target {
        Some((appointment_id, version)) => {
            app.form = Some(Form::new(
                FormKind::Status {
                    appointment_id,
                    version,
                    to,
                },
                Vec::new(),
            ));
        }
        None => {
            let text = t(app.lang, "no_appointment").to_string();
            app.set_status(text, true);
        }
    }
    app.dirty = true;
}

fn open_person_form(app: &mut App, new: bool) {
    let existing = if new {
        None
    } else {
        app.person.as_ref().map(|p| p.person.clone())
    };
    if !new && existing.is_none() {
        return;
    }
    let kind = FormKind::Person {
        person_id: existing.as_ref().map_or(0, |p| p.id),
        version: existing.as_ref().map_or(0, |p| p.version),
        confirmed_new: false,
    };
    let mut form = Form::new(kind.clone(), kind.fields());
    match existing {
        None => form.set("f_arrival", &app.today().format("%Y-%m-%d").to_string()),
        Some(p) => {
            form.fill_person(&p.details);
            form.base = Some(Box::new(p.details));
        }
    }
    app.form = Some(form);
    app.dirty = true;
}

fn open_schedule_form(app: &mut App) {
    let Some(p) = &app.person else { return };
    let kind = FormKind::Schedule {
        person_id: p.person.id,
        household_id: p.person.details.household_id,
    };
    let mut form = Form::new(kind.clone(), kind.fields());
    form.set("f_allocated_at", &local_text(app, app.now));
    app.form = Some(form);
    app.dirty = true;
}

fn open_leave_form(app: &mut App) {
    let Some(p) = &app.person else { return };
    let (person_id, version) = (p.person.id, p.person.version);
    let kind = FormKind::Leave { person_id, version };
    let mut form = Form::new(kind.clone(), kind.fields());
    form.set("f_day", &app.today().format("%Y-%m-%d").to_string());
    app.form = Some(form);
    app.dirty = true;
}

fn open_outage_form(app: &mut App) {
    let mut form = Form::new(FormKind::Outage, FormKind::Outage.fields());
    form.set("f_ports", t(app.lang, "ports_all_value"));
    form.set("f_start", &local_text(app, app.now));
    app.form = Some(form);
    app.dirty = true;
}

fn open_extension_form(app: &mut App) {
    let Some(o) = app.outages.list.get(app.outages.selected) else {
        return;
    };
    let at_risk = match &app.outages.at_risk {
        Some((id, lines)) if *id == o.id => lines.len(),
        _ => 0,
    };
    let kind = FormKind::Extension {
        outage_id: o.id,
        version: o.version,
        at_risk,
    };
    app.form = Some(Form::new(kind.clone(), kind.fields()));
    app.dirty = true;
}

/// A typed moment in the shelter's zone, as UTC; the error names what to type.
fn when_of(app: &App, text: &str) -> Result<DateTime<Utc>, String> {
    let (day, time) = crate::domain::dates::parse_when(text, app.today())
        .ok_or_else(|| t(app.lang, "err_date").to_string())?;
    let local = day.and_time(time.unwrap_or(chrono::NaiveTime::MIN));
    crate::domain::port::from_local_in(app.tz, local).map_err(|e| e.to_string())
}

fn form_key(app: &mut App, ev: &KeyEvent, out: &mut Vec<Request>) {
    let Some(form) = &mut app.form else { return };
    match form.key(ev) {
        FormKey::Ignored => return,
        FormKey::Changed => {}
        FormKey::Close => app.form = None,
        FormKey::Save => {
            if let Some(save) = validate_form(app) {
                if let Some(form) = &mut app.form {
                    form.saving = true;
                    form.error = None;
                }
                out.push(Request::Save(save));
            }
        }
    }
    app.dirty = true;
}

/// Checks a form's fields; marks what is wrong beside each field and
/// returns `None`, or returns the write to ask for.
fn validate_form(app: &mut App) -> Option<Save> {
    let lang = app.lang;
    let form = app.form.clone()?;
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let save = match form.kind {
        FormKind::Confirm {
            appointment_id,
            version,
        } => {
            let number =
                crate::domain::appointment::normalize_confirmation_number(form.get("f_number"))
                    .map_err(|_| errors.push(("f_number", t(lang, "err_number").to_string())))
                    .ok();
            let at = when_of(app, form.get("f_confirmed_at"))
                .map_err(|e| errors.push(("f_confirmed_at", e)))
                .ok();
            let channel = form
                .get("f_channel")
                .parse()
                .unwrap_or(crate::domain::appointment::Channel::App);
            number.zip(at).map(|(number, confirmed_at)| Save::Confirm {
                appointment_id,
                version,
                number,
                confirmed_at,
                channel,
            })
        }
        FormKind::ConfirmGroup { ref travellers } => {
            let at = when_of(app, form.get("f_confirmed_at"))
                .map_err(|e| errors.push(("f_confirmed_at", e)))
                .ok();
            let mut items = Vec::new();
            let mut bad = Vec::new();
            for (i, (id, version, _)) in travellers.iter().enumerate() {
                let typed = form.get_nth("f_number", i);
                if typed.is_empty() {
                    continue; // not yet confirmed: left pending
                }
                match crate::domain::appointment::normalize_confirmation_number(typed) {
                    Ok(n) => items.push((*id, *version, n)),
                    Err(_) => bad.push(i),
                }
            }
            if let Some(f) = &mut app.form {
                for i in &bad {
                    f.fail_nth("f_number", *i, t(lang, "err_number").to_string());
                }
                if items.is_empty() && bad.is_empty() {
                    f.fail_nth("f_number", 0, t(lang, "err_required").to_string());
                }
            }
            match at {
                Some(confirmed_at) if bad.is_empty() && !items.is_empty() => {
                    Some(Save::ConfirmGroup {
                        items,
                        confirmed_at,
                        channel: form
                            .get("f_channel")
                            .parse()
                            .unwrap_or(crate::domain::appointment::Channel::App),
                    })
                }
                _ => None,
            }
        }
        FormKind::Person {
            person_id,
            version,
            confirmed_new,
        } => {
            let day = |label: &'static str, errors: &mut Vec<(&'static str, String)>| {
                let text = form.get(label);
                if text.is_empty() {
                    return Ok(None);
                }
                crate::domain::dates::parse_when(text, app.today())
                    .map(|(d, _)| Some(d))
                    .ok_or_else(|| errors.push((label, t(lang, "err_date").to_string())))
            };
            let birth = day("f_birth", &mut errors).ok().flatten();
            let arrival = day("f_arrival", &mut errors).ok().flatten();
            if form.get("f_given").is_empty() {
                errors.push(("f_given", t(lang, "err_required").to_string()));
            }
            let nationality = crate::domain::countries::nationality_code(form.get("f_nationality"));
            if nationality.is_none() {
                errors.push(("f_nationality", t(lang, "err_nationality").to_string()));
            }
            let flags = crate::domain::Vulnerability::parse_list(form.get("f_vulnerabilities"))
                .map_err(|_| errors.push(("f_vulnerabilities", t(lang, "err_flags").to_string())))
                .ok();
            let household_text = form.get("f_household");
            let household = match household_text.strip_prefix('#').map(str::parse::<i64>) {
                Some(Ok(id)) => Some(Some(id)),
                None if household_text.is_empty() && person_id == 0 => Some(None),
                _ => {
                    errors.push(("f_household", t(lang, "err_household").to_string()));
                    None
                }
            };
            let sex = form
                .get("f_sex")
                .parse()
                .unwrap_or(crate::domain::Sex::Unknown);
            let original = app.person.as_ref().filter(|p| p.person.id == person_id);
            match (nationality, flags, household) {
                (Some(nationality), Some(vulnerabilities), Some(household))
                    if errors.is_empty() =>
                {
                    let details = crate::domain::PersonDetails {
                        household_id: household.unwrap_or(0),
                        given_names: form.get("f_given").to_string(),
                        family_names: form.get("f_family").to_string(),
                        birth_date: birth,
                        sex,
                        nationality,
                        languages: form.get("f_languages").to_string(),
                        phone: Some(form.get("f_phone").to_string()),
                        arrival_date: arrival.unwrap_or_else(|| app.today()),
                        departure_date: original.and_then(|p| p.person.details.departure_date),
                        status: original.map_or(PersonStatus::Present, |p| p.person.details.status),
                        vulnerabilities,
                        notes: form.get("f_notes").to_string(),
                    };
                    if let Err(e) = details.tidy().validate() {
                        errors.push(("f_given", e.to_string()));
                        None
                    } else if person_id == 0 {
                        let shelter = app.shelter.as_ref().map_or(1, |s| s.id);
                        let label = if details.family_names.trim().is_empty() {
                            details.given_names.clone()
                        } else {
                            details.family_names.clone()
                        };
                        Some(Save::NewPerson {
                            new_household: household.is_none().then_some((shelter, label)),
                            details: Box::new(details),
                            even_if_known: confirmed_new,
                        })
                    } else {
                        Some(Save::Person {
                            person_id,
                            version,
                            details: Box::new(details),
                        })
                    }
                }
                _ => None,
            }
        }
        FormKind::Schedule {
            person_id,
            household_id,
        } => {
            let port = crate::domain::port::by_code(form.get("f_port"));
            // The appointment is typed in the port's own time.
            let at = port.and_then(|p| {
                let today = p.local_time(app.now).date_naive();
                match crate::domain::dates::parse_when(form.get("f_appointment_at"), today) {
                    None => {
                        errors.push(("f_appointment_at", t(lang, "err_date").to_string()));
                        None
                    }
                    Some((day, time)) => p
                        .from_local(day.and_time(time.unwrap_or(chrono::NaiveTime::MIN)))
                        .map_err(|e| errors.push(("f_appointment_at", e.to_string())))
                        .ok(),
                }
            });
            let allocated = when_of(app, form.get("f_allocated_at"))
                .map_err(|e| errors.push(("f_allocated_at", e)))
                .ok();
            match (port, at, allocated) {
                (Some(p), Some(appointment_at), Some(allocated_at)) => {
                    Some(Save::Schedule(crate::store::NewAppointment {
                        household_id,
                        person_id: Some(person_id),
                        port_code: p.code.clone(),
                        appointment_at,
                        allocated_at,
                    }))
                }
                _ => None,
            }
        }
        FormKind::Outage => {
            let ports_text = form.get("f_ports");
            let ports = if ports_text.is_empty()
                || matches!(
                    crate::domain::names::fold(ports_text).as_str(),
                    "all" | "todos" | "todo"
                ) {
                Some(crate::domain::Ports::All)
            } else {
                let codes: Vec<String> = ports_text
                    .split([',', ' '])
                    .filter(|c| !c.is_empty())
                    .map(|c| c.trim().to_ascii_uppercase())
                    .collect();
                if codes
                    .iter()
                    .all(|c| crate::domain::port::by_code(c).is_some())
                {
                    Some(crate::domain::Ports::Some(codes))
                } else {
                    errors.push(("f_ports", t(lang, "err_ports").to_string()));
                    None
                }
            };
            let start = when_of(app, form.get("f_start"))
                .map_err(|e| errors.push(("f_start", e)))
                .ok();
            let end = match form.get("f_end") {
                "" => Some(None),
                text => when_of(app, text)
                    .map(Some)
                    .map_err(|e| errors.push(("f_end", e)))
                    .ok(),
            };
            if let (Some(s), Some(Some(e))) = (start, end) {
                if e < s {
                    errors.push(("f_end", t(lang, "err_end_before_start").to_string()));
                }
            }
            let source = form.get("f_source").to_string();
            if source.is_empty() {
                errors.push(("f_source", t(lang, "err_required").to_string()));
            }
            let step = form.get("f_step").parse::<crate::domain::Step>().ok();
            match (ports, start, end, step) {
                (Some(ports), Some(started_at), Some(ended_at), Some(affected_step))
                    if errors.is_empty() =>
                {
                    Some(Save::Outage(crate::store::NewOutage {
                        affected_step,
                        ports,
                        started_at,
                        ended_at,
                        source,
                        note: form.get("f_note").to_string(),
                    }))
                }
                _ => None,
            }
        }
        FormKind::Status {
            appointment_id,
            version,
            to,
        } => Some(Save::Status {
            appointment_id,
            version,
            to,
        }),
        FormKind::Leave { person_id, version } => {
            let status = form.get("f_leaving_as").parse::<PersonStatus>().ok();
            let day =
                crate::domain::dates::parse_when(form.get("f_day"), app.today()).map(|(d, _)| d);
            if day.is_none() {
                errors.push(("f_day", t(lang, "err_date").to_string()));
            }
            let page = app.person.as_ref().filter(|p| p.person.id == person_id);
            match (status, day, page) {
                (Some(status), Some(day), Some(page)) => {
                    let mut details = page.person.details.clone();
                    details.status = status;
                    details.departure_date = Some(day);
                    Some(Save::Person {
                        person_id,
                        version,
                        details: Box::new(details),
                    })
                }
                _ => None,
            }
        }
        FormKind::Extension {
            outage_id, version, ..
        } => when_of(app, form.get("f_until"))
            .map_err(|e| errors.push(("f_until", e)))
            .ok()
            .map(|until| Save::Extension {
                outage_id,
                version,
                until,
            }),
    };
    if let Some(f) = &mut app.form {
        for (label, message) in errors {
            f.fail(label, message);
        }
    }
    save
}
