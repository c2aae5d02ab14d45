//! The state of one dashboard session: which screen, what each screen
//! holds, the open form and the status line. Everything of the session
//! lives here (size, language, theme, keys, actor) and nothing is global,
//! so several sessions can live in one process. `update` changes it;
//! views only read it.

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;

use super::forms::Form;
use super::keys::{Action, KeyMap};
use super::list::ListPos;
use super::message::{PersonPage, Request};
use super::notice::Notice;
use super::roster::RosterState;
pub use super::screen::Screen;
use super::theme::Theme;
use crate::actor::Actor;
use crate::domain::message::{Kind as MessageKind, Language};
use crate::domain::outage::{active_at, is_at_risk};
use crate::domain::{Outage, Permission, Role, Shelter};
use crate::i18n::Lang;
use crate::store::{AppointmentLine, DashboardData};

/// The dashboard's two lists: who must confirm soonest, who travels
/// tomorrow (by port). `Tab` moves from the first to the second, then on
/// to the next screen; `Shift-Tab` back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Panel {
    /// Confirm soonest.
    #[default]
    Soonest,
    /// Tomorrow by port.
    Tomorrow,
}

/// The dashboard's selection.
#[derive(Debug, Clone, Default)]
pub struct DashboardState {
    /// The list with the selection.
    pub panel: Panel,
    /// Where it is in "Confirm soonest".
    pub soonest: ListPos,
    /// Where it is in "Tomorrow by port".
    pub tomorrow: ListPos,
}

/// What the message pane's message is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageAbout {
    /// A CBP One appointment, at this point of it.
    Appointment(MessageKind),
    /// A step of another program (its name, in the session's language).
    Step(String),
}

/// Which appointments the appointments screen lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AppointmentFilter {
    /// All.
    #[default]
    All,
    /// Pending confirmation.
    Pending,
    /// Everyone at risk from an outage going on, every day.
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
    /// Every outage.
    pub outages: Vec<Outage>,
    /// Ids of the day's appointments an outage puts at risk.
    pub at_risk: HashSet<i64>,
    /// Everyone at risk now, every day (the at-risk filter's list).
    pub risk: Vec<AppointmentLine>,
    /// Which to list.
    pub filter: AppointmentFilter,
    /// Selection and scroll among the listed.
    pub list: ListPos,
}

impl AppointmentsState {
    /// Takes a day's appointments, marking those at risk (the domain's rule).
    pub fn load(&mut self, lines: Vec<AppointmentLine>, outages: Vec<Outage>) {
        self.at_risk = lines
            .iter()
            .filter(|l| is_at_risk(&l.appointment, &outages))
            .map(|l| l.appointment.id)
            .collect();
        self.lines = lines;
        self.outages = outages;
    }

    /// The traveller of the selected line, if it is one person's.
    pub fn selected_person(&self) -> Option<i64> {
        self.listed()
            .get(self.list.selected)
            .and_then(|l| l.appointment.person_id)
    }

    /// The appointments listed under the current filter.
    pub fn listed(&self) -> Vec<&AppointmentLine> {
        match self.filter {
            AppointmentFilter::All => self.lines.iter().collect(),
            AppointmentFilter::Pending => self
                .lines
                .iter()
                .filter(|l| {
                    l.appointment.status == crate::domain::AppointmentStatus::PendingConfirmation
                })
                .collect(),
            AppointmentFilter::AtRisk => self.risk.iter().collect(),
        }
    }
}

/// The outages screen.
#[derive(Debug, Clone, Default)]
pub struct OutagesState {
    /// Every outage, active first.
    pub outages: Vec<Outage>,
    /// Whether the list has arrived.
    pub loaded: bool,
    /// Selection among them.
    pub list: ListPos,
    /// Appointments at risk from the selected outage.
    pub at_risk: Option<(i64, Vec<AppointmentLine>)>,
}

impl OutagesState {
    /// The selected outage.
    pub fn selected(&self) -> Option<&Outage> {
        self.outages.get(self.list.selected)
    }
}

/// A line for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// What to say.
    pub notice: Notice,
    /// Whether it reports a failure.
    pub error: bool,
}

/// Everything one session shows.
#[derive(Debug, Clone)]
pub struct App {
    /// Current screen.
    pub screen: Screen,
    /// Where Back goes from the person screen.
    pub back_to: Screen,
    /// Whether the help overlay is open.
    pub help: bool,
    /// How far the help is scrolled (it scrolls where it does not fit: a phone).
    pub help_scroll: u16,
    /// The clock.
    pub now: DateTime<Utc>,
    /// Interface language.
    pub lang: Lang,
    /// Paint.
    pub theme: Theme,
    /// Keys.
    pub keys: KeyMap,
    /// Who works in this session (written to the audit trail).
    pub actor: Actor,
    /// What they may do.
    pub role: Role,
    /// The shelter whose clock is shown.
    pub shelter: Option<Shelter>,
    /// Its zone.
    pub tz: Tz,
    /// Terminal size.
    pub size: (u16, u16),
    /// Served over SSH on this port, if it is.
    pub served_port: Option<u16>,
    /// Dashboard figures, once loaded.
    pub dashboard: Option<std::sync::Arc<DashboardData>>,
    /// People leaving tomorrow by section id, read after the dashboard.
    pub leaving: std::collections::HashMap<i64, i64>,
    /// What `leaving` was last asked for (see `update::replies`).
    pub leaving_key: Option<u64>,
    /// Roster.
    pub roster: RosterState,
    /// Person page, once loaded.
    pub person: Option<PersonPage>,
    /// Scroll of the person page.
    pub person_scroll: u16,
    /// Appointments.
    pub appointments: AppointmentsState,
    /// The dashboard's lists and their selections.
    pub dash: DashboardState,
    /// Outages.
    pub outages: OutagesState,
    /// The headcount screen.
    pub headcount: super::headcount::HeadcountState,
    /// The cases screen.
    pub cases: super::cases::CasesState,
    /// The open form, if any.
    pub form: Option<Form>,
    /// The status line.
    pub status: Option<Status>,
    /// Screens whose data this database's backend does not hold yet, and
    /// what they say instead.
    pub unavailable: Vec<(Screen, Notice)>,
    /// The message for the person on screen, open in this language.
    pub message: Option<Language>,
    /// Text to put on the coordinator's own clipboard (OSC 52), taken by
    /// whoever writes to their terminal.
    pub clipboard: Option<String>,
    /// Open the message pane once the person asked for arrives.
    pub message_on_open: bool,
    /// Set when the app should end.
    pub quit: bool,
    /// Set when something visible changed since the last frame.
    pub dirty: bool,
}

/// Rows of the screen that are not list body: app bar, banner, table
/// header, status line, footer. Shared with the views so that paging
/// moves by exactly one screenful.
pub const CHROME_ROWS: u16 = 6;

/// How a session starts: who, how it looks, and the terminal's size.
#[derive(Debug, Clone)]
pub struct SessionSettings {
    /// Interface language.
    pub lang: Lang,
    /// Paint.
    pub theme: Theme,
    /// Keys.
    pub keys: KeyMap,
    /// Who works in the session.
    pub actor: Actor,
    /// What they may do (the store handle of the session enforces it).
    pub role: Role,
    /// Terminal size.
    pub size: (u16, u16),
    /// Served over SSH on this port (`albergue serve`): files stay on the
    /// server, so lists are fetched with a served command.
    pub served_port: Option<u16>,
}

/// What an action needs the session's role to allow, if anything.
pub fn permission_for(action: Action) -> Option<Permission> {
    use Action::*;
    match action {
        Confirm | RecordStep => Some(Permission::Confirm),
        Schedule | MarkMissed | MarkPresented | MarkCancelled => {
            Some(Permission::ManageAppointments)
        }
        RecordOutage | GrantExtension | EditOutage | ResolveOutage => {
            Some(Permission::ManageOutages)
        }
        AddPerson | EditPerson | EditHousehold | MarkDeparted | PlaceInSection => {
            Some(Permission::EditPeople)
        }
        Transfer | AnswerTransfer => Some(Permission::Transfers),
        PrintList => Some(Permission::PrintLists),
        _ => None,
    }
}

impl SessionSettings {
    /// A session of this process's own user at the local terminal.
    pub fn local(lang: Lang, theme: Theme, keys: KeyMap, size: (u16, u16)) -> Self {
        Self {
            lang,
            theme,
            keys,
            actor: Actor::from_env(),
            role: Role::Admin,
            size,
            served_port: None,
        }
    }
}

impl App {
    /// A new session at `now`, showing the dashboard.
    pub fn new(now: DateTime<Utc>, session: SessionSettings, shelter: Option<Shelter>) -> Self {
        let tz = shelter
            .as_ref()
            .and_then(|s| s.tz.parse().ok())
            .unwrap_or(chrono_tz::America::Tijuana);
        Self {
            screen: Screen::Dashboard,
            back_to: Screen::Roster,
            help: false,
            help_scroll: 0,
            message: None,
            clipboard: None,
            now,
            lang: session.lang,
            theme: session.theme,
            keys: session.keys,
            actor: session.actor,
            role: session.role,
            shelter,
            tz,
            size: session.size,
            served_port: session.served_port,
            dashboard: None,
            leaving: Default::default(),
            leaving_key: None,
            // Those still here, by default: who crossed or left is one
            // filter away (`f`).
            roster: RosterState {
                filter: crate::store::RosterFilter {
                    status: Some(crate::domain::PersonStatus::Present),
                    ..Default::default()
                },
                ..RosterState::default()
            },
            person: None,
            person_scroll: 0,
            appointments: AppointmentsState::default(),
            dash: DashboardState::default(),
            outages: OutagesState::default(),
            headcount: Default::default(),
            cases: Default::default(),
            form: None,
            status: None,
            unavailable: Vec::new(),
            message_on_open: false,
            quit: false,
            dirty: true,
        }
    }

    /// Whether this session's role may do `action`.
    pub fn may(&self, action: Action) -> bool {
        permission_for(action).is_none_or(|p| self.role.may(p))
    }

    /// The actions of the current screen this session may use, for help.
    pub fn actions(&self) -> Vec<Action> {
        let mut actions = self.screen.actions();
        actions.retain(|&a| self.may(a));
        actions
    }

    /// The shelter's date today.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }

    /// Opens a form kept as a draft when the last session ended, and says so.
    pub fn offer_draft(&mut self, draft: &str) {
        if let Some(form) = Form::from_draft(draft) {
            self.form = Some(form);
            self.say(Notice::new("draft_offered"), false);
        }
    }

    /// The open form's input, when there is any worth keeping.
    pub fn draft(&self) -> Option<String> {
        self.form.as_ref().filter(|f| f.dirty).map(Form::to_draft)
    }

    /// What to load first: the dashboard, then the roster's first rows.
    pub fn start(&mut self) -> Vec<Request> {
        let mut out = vec![Request::Dashboard {
            now: self.now,
            today: self.today(),
            tz: self.tz,
        }];
        let vp = self.viewport();
        self.roster.reload(vp, super::message::Place::Top, &mut out);
        out
    }

    /// Rows available to a list body on this terminal.
    pub fn page(&self) -> usize {
        usize::from(self.size.1.saturating_sub(CHROME_ROWS)).max(1)
    }

    /// What the roster needs of the screen: its page and the moment.
    pub(super) fn viewport(&self) -> super::roster::Viewport {
        super::roster::Viewport {
            page: self.page(),
            now: self.now,
        }
    }

    fn known_outages(&self) -> &[Outage] {
        match &self.dashboard {
            Some(d) => &d.outages,
            None => &self.outages.outages,
        }
    }

    /// The message the person on screen needs now, in `lang`: what it is
    /// about and its text (`None` with nothing ahead). CBP One's, as
    /// always, when they have an appointment ahead; else the one of the
    /// step due soonest in their other programs' cases (the program
    /// file's text), when that step has one.
    pub fn person_message(&self, lang: Language) -> Option<(MessageAbout, String)> {
        let page = self.person.as_ref()?;
        let outages = self.known_outages();
        if let Some((appointment, kind)) =
            crate::domain::message::choose(&page.appointments, outages, self.now)
        {
            let port = crate::domain::port::by_code(&appointment.port_code)?;
            let outage_since = outages
                .iter()
                .filter(|o| o.is_active(self.now) && o.puts_at_risk(appointment))
                .map(|o| o.started_at)
                .min();
            let facts = crate::domain::message::Facts {
                given_names: &page.person.details.given_names,
                appointment,
                port,
                here: page.shelter_tz.unwrap_or(self.tz),
                outage_since,
            };
            let text = crate::domain::message::compose(kind, lang, &facts);
            return Some((MessageAbout::Appointment(kind), text));
        }
        let programs = crate::programs::in_force();
        let mut steps: Vec<_> = page
            .cases
            .iter()
            .filter_map(|case| {
                let program = programs.get(&case.program)?;
                let due = program.next(&case.case(program), self.now)?;
                Some((due.deadline, case, program, due))
            })
            .collect();
        steps.sort_by_key(|(deadline, case, ..)| (*deadline, case.id));
        steps.into_iter().find_map(|(_, case, program, due)| {
            let facts = crate::domain::program::say::StepFacts {
                given_names: &page.person.details.given_names,
                program,
                case,
                due,
                here: page.shelter_tz.unwrap_or(self.tz),
            };
            let text = crate::domain::program::say::compose_step(lang, &facts)?;
            let step = program.steps[due.step].name.get(self.lang.language());
            Some((MessageAbout::Step(step.to_string()), text))
        })
    }

    /// Opens the message pane for the person on screen in their language,
    /// or says there is no message for them.
    pub(super) fn open_message(&mut self) {
        let Some(page) = &self.person else { return };
        let lang = Language::for_person(&page.person.details.languages);
        if self.person_message(lang).is_some() {
            self.message = Some(lang);
        } else {
            self.say(Notice::new("message_none"), false);
        }
        self.dirty = true;
    }

    /// Outages going on now.
    pub fn active_outages(&self) -> Vec<&Outage> {
        active_at(self.known_outages(), self.now)
    }

    /// Pending appointments (deadline ahead) at risk from outages going on,
    /// as counted at the dashboard's last read.
    pub fn at_risk_now(&self) -> usize {
        self.dashboard.as_ref().map_or(0, |d| d.at_risk)
    }

    /// Puts a notice on the status line.
    pub fn say(&mut self, notice: Notice, error: bool) {
        self.status = Some(Status { notice, error });
        self.dirty = true;
    }

    pub(super) fn appointments_request(&self, day: NaiveDate) -> Request {
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

    /// The appointments screen listing everyone at risk now, every day
    /// (what the banner's count opens), from its top.
    pub(super) fn show_at_risk(&mut self, out: &mut Vec<Request>) {
        self.appointments.filter = AppointmentFilter::AtRisk;
        self.appointments.list.reset();
        out.push(Request::AtRiskNow { now: self.now });
        self.show(Screen::Appointments, out);
        self.dirty = true;
    }

    pub(super) fn show(&mut self, screen: Screen, out: &mut Vec<Request>) {
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
            Screen::Headcount => self.headcount.show(self.today(), out),
            Screen::Cases => self.cases.show(self.now, out),
            _ => {}
        }
    }

    pub(super) fn reload_all(&mut self) -> Vec<Request> {
        let mut out = vec![Request::Dashboard {
            now: self.now,
            today: self.today(),
            tz: self.tz,
        }];
        let vp = self.viewport();
        self.roster.refresh(vp, &mut out);
        if let Some(p) = &self.person {
            out.push(Request::Person { id: p.person.id });
        }
        if let Some(day) = self.appointments.day {
            out.push(self.appointments_request(day));
        }
        if self.appointments.filter == AppointmentFilter::AtRisk {
            out.push(Request::AtRiskNow { now: self.now });
        }
        if self.outages.loaded {
            out.push(Request::Outages);
        }
        if let Some((id, _)) = &self.outages.at_risk {
            out.push(Request::AtRisk { outage_id: *id });
        }
        // (A month's figures and the cases are read again only where seen.)
        self.cases
            .changed(self.screen == Screen::Cases, self.now, &mut out);
        self.headcount
            .changed(self.screen == Screen::Headcount, self.today(), &mut out);
        out
    }
}
