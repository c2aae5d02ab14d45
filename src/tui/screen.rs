//! The screens, and the actions that mean something on each.

use super::keys::Action;

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
    /// A month's headcount, in charts.
    Headcount,
    /// Cases in the programs kept as files: what each must do next.
    Cases,
}

/// Going to another screen, help and quitting: on every screen.
const EVERYWHERE: [Action; 12] = [
    Action::Dashboard,
    Action::Roster,
    Action::Appointments,
    Action::Outages,
    Action::Headcount,
    Action::Cases,
    Action::AtRiskList,
    Action::NextScreen,
    Action::PrevScreen,
    Action::Help,
    Action::Quit,
    Action::ForceQuit,
];

impl Screen {
    /// The screens reached by Tab, in order.
    pub const TABS: [Self; 6] = [
        Self::Dashboard,
        Self::Roster,
        Self::Appointments,
        Self::Outages,
        Self::Headcount,
        Self::Cases,
    ];

    /// The string-table key of its title.
    pub fn title_key(self) -> &'static str {
        match self {
            Self::Dashboard => "screen_dashboard",
            Self::Roster => "screen_roster",
            Self::Person => "screen_person",
            Self::Appointments => "screen_appointments",
            Self::Outages => "screen_outages",
            Self::Headcount => "screen_headcount",
            Self::Cases => "screen_cases",
        }
    }

    /// The actions that mean something on this screen, for help.
    pub fn actions(self) -> Vec<Action> {
        self.own_actions()
            .iter()
            .chain(&EVERYWHERE)
            .copied()
            .collect()
    }

    /// The actions of this screen alone (not those of every screen): what
    /// a key several actions share means here. No allocation: it is read
    /// on every key.
    pub fn own_actions(self) -> &'static [Action] {
        use Action::*;
        match self {
            Self::Dashboard => &[
                Confirm,
                Search,
                Open,
                Up,
                Down,
                Top,
                Bottom,
                RecordOutage,
                PrintList,
                AnswerTransfer,
            ],
            Self::Roster => &[
                AddPerson, Search, Sort, Filter, Open, Up, Down, PageUp, PageDown, Top, Bottom,
                Back,
            ],
            Self::Person => &[
                Confirm,
                Message,
                Schedule,
                EditPerson,
                EditHousehold,
                AddPerson,
                MarkMissed,
                MarkPresented,
                MarkCancelled,
                MarkDeparted,
                PlaceInSection,
                Transfer,
                Back,
                Up,
                Down,
                Top,
                RecordOutage,
            ],
            Self::Appointments => &[
                Confirm, Message, Left, Right, WeekBack, WeekOn, Filter, Search, Open, Up, Down,
                PageUp, PageDown, Top, Bottom,
            ],
            Self::Outages => &[
                GrantExtension,
                EditOutage,
                ResolveOutage,
                RecordOutage,
                Up,
                Down,
                Open,
            ],
            Self::Headcount => &[Left, Right, Up, Down],
            Self::Cases => &[RecordStep, Open, Up, Down, PageUp, PageDown, Top, Bottom],
        }
    }
}
