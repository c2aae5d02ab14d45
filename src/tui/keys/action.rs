//! Every action a key can be bound to, declared once: its name in key
//! files, its string-table key and the context it works in.

/// Where an action applies: keys are looked up only among the actions of
/// the contexts active at the moment, so one key can mean different things
/// on a screen and in a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// The screens (lists, the person page, help, filters).
    Screen,
    /// An open form.
    Form,
    /// Typing a search.
    Search,
    /// Editing a text field (forms and search).
    Edit,
}

impl Context {
    /// Whether keys of both contexts are looked up together, so that one
    /// key may not be bound in both.
    pub fn shares_keys_with(self, other: Self) -> bool {
        self == other
            || matches!(
                (self, other),
                (Self::Edit, Self::Form | Self::Search) | (Self::Form | Self::Search, Self::Edit)
            )
    }
}

macro_rules! actions {
    ($($(#[doc = $doc:literal])* $context:ident $variant:ident = $name:literal,)+) => {
        /// Something the user can ask for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $($(#[doc = $doc])* $variant,)+
        }

        impl Action {
            /// Every action, in the order help lists them.
            pub const ALL: [Self; [$($name),+].len()] = [$(Self::$variant),+];

            /// The name used in key files.
            pub fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }

            /// The string-table key that describes it (`action_<name>`).
            pub fn label_key(self) -> &'static str {
                match self {
                    $(Self::$variant => concat!("action_", $name),)+
                }
            }

            /// Where it applies.
            pub fn context(self) -> Context {
                match self {
                    $(Self::$variant => Context::$context,)+
                }
            }
        }
    };
}

actions! {
    /// Show the dashboard.
    Screen Dashboard = "dashboard",
    /// Show the roster.
    Screen Roster = "roster",
    /// Show appointments.
    Screen Appointments = "appointments",
    /// Show outages.
    Screen Outages = "outages",
    /// Show the month's headcount.
    Screen Headcount = "headcount",
    /// Show the cases of the programs kept as files.
    Screen Cases = "cases",
    /// Next screen.
    Screen NextScreen = "next_screen",
    /// Previous screen.
    Screen PrevScreen = "prev_screen",
    /// Move up.
    Screen Up = "up",
    /// Move down.
    Screen Down = "down",
    /// Previous (day, filter value).
    Screen Left = "left",
    /// Next (day, filter value).
    Screen Right = "right",
    /// A week back (appointments).
    Screen WeekBack = "week_back",
    /// A week on (appointments).
    Screen WeekOn = "week_on",
    /// One page up.
    Screen PageUp = "page_up",
    /// One page down.
    Screen PageDown = "page_down",
    /// First row.
    Screen Top = "top",
    /// Last row.
    Screen Bottom = "bottom",
    /// Open the selected item.
    Screen Open = "open",
    /// Go back, close, clear the search.
    Screen Back = "back",
    /// Start searching.
    Screen Search = "search",
    /// Cycle the sort order.
    Screen Sort = "sort",
    /// Open filters.
    Screen Filter = "filter",
    /// Show the keys.
    Screen Help = "help",
    /// Record a confirmation (person and appointments screens).
    Screen Confirm = "confirm",
    /// Record an outage (anywhere).
    Screen RecordOutage = "record_outage",
    /// Record the selected case's step (cases screen).
    Screen RecordStep = "record_step",
    /// Schedule an appointment (person screen).
    Screen Schedule = "schedule",
    /// Add a person (roster).
    Screen AddPerson = "add_person",
    /// Edit the person (person screen).
    Screen EditPerson = "edit_person",
    /// Edit the household's label and US destination (person screen).
    Screen EditHousehold = "edit_household",
    /// Mark the appointment missed (person screen).
    Screen MarkMissed = "mark_missed",
    /// Mark the appointment presented (person screen).
    Screen MarkPresented = "mark_presented",
    /// Cancel the appointment (person screen).
    Screen MarkCancelled = "mark_cancelled",
    /// Record that the person left (person screen).
    Screen MarkDeparted = "mark_departed",
    /// Grant an extension (outages screen).
    Screen GrantExtension = "grant_extension",
    /// Correct the selected outage (outages screen).
    Screen EditOutage = "edit_outage",
    /// Mark the selected outage resolved now, asking first (outages screen).
    Screen ResolveOutage = "resolve_outage",
    /// Everyone at risk from an outage, every day (anywhere).
    Screen AtRiskList = "at_risk_list",
    Screen PlaceInSection = "place_in_section",
    Screen Transfer = "transfer",
    Screen AnswerTransfer = "answer_transfer",
    /// Write tomorrow's list, to print.
    Screen PrintList = "print_list",
    /// Show the message to send the person, in their language.
    Screen Message = "message",
    /// Copy the message to the coordinator's clipboard.
    Screen CopyMessage = "copy_message",
    /// Quit.
    Screen Quit = "quit",
    /// Quit at once, from anywhere.
    Screen ForceQuit = "force_quit",
    /// Next field.
    Form FormNext = "form_next",
    /// Previous field.
    Form FormPrev = "form_prev",
    /// Next field; saves on the last one.
    Form FormSubmit = "form_submit",
    /// Save from any field.
    Form FormSave = "form_save",
    /// Close the form (asking first when something was typed).
    Form FormCancel = "form_cancel",
    /// After a conflict, lay this form's edits over the newer record.
    Form FormRebase = "form_rebase",
    /// After a conflict, drop this form's edits for the newer record.
    Form FormTakeTheirs = "form_take_theirs",
    /// A new line, in fields that hold several (notes).
    Form FormNewLine = "form_new_line",
    /// Keep the search and go back to the list.
    Search SearchAccept = "search_accept",
    /// Clear the search and go back to the list.
    Search SearchCancel = "search_cancel",
    /// Caret one character left (a choice: the previous option).
    Edit EditLeft = "edit_left",
    /// Caret one character right (a choice: the next option).
    Edit EditRight = "edit_right",
    /// Caret to the start.
    Edit EditHome = "edit_home",
    /// Caret to the end.
    Edit EditEnd = "edit_end",
    /// Delete the character before the caret.
    Edit EditDeleteBack = "edit_delete_back",
    /// Delete the character at the caret.
    Edit EditDelete = "edit_delete",
    /// Clear the field.
    Edit EditClear = "edit_clear",
}
