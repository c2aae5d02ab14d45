//! The options of `albergue cases` (kept apart from `args`, which is long).

/// The `cases` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum CasesCommand {
    /// The cases of your shelters: what each must do next, and by when
    ///
    /// One line a case: its number, program, venue, household (and person),
    /// then the next step due with its deadline in the venue's time and how
    /// long is left (OVERDUE when it passed; a missed repeating step says how
    /// many times).
    List {
        /// Closed cases too
        #[arg(long)]
        all: bool,
    },
    /// Open a case: a household (or one person of it) in a program at one of its venues
    Open {
        /// The program's id (`albergue programs list`)
        #[arg(long)]
        program: String,
        /// A venue code of the program
        #[arg(long)]
        venue: String,
        /// The household
        #[arg(long)]
        household: i64,
        /// One person of it (without: the household's case)
        #[arg(long)]
        person: Option<i64>,
        /// A number the program gave (claim, visa)
        #[arg(long, default_value = "")]
        reference: String,
        /// The appointment's date and time, in the venue's time (YYYY-MM-DD HH:MM)
        #[arg(long, value_name = "WHEN")]
        scheduled: Option<String>,
        /// What already happened: STEP=WHEN (WHEN as YYYY-MM-DD or YYYY-MM-DD HH:MM in the venue's time), repeatable
        #[arg(long = "event", value_name = "STEP=WHEN")]
        events: Vec<String>,
    },
    /// Record that a step happened (a COMAR signature, say)
    Step {
        /// The case's number
        case: i64,
        /// The step's id in the case's program
        step: String,
        /// When, in the venue's time (YYYY-MM-DD or YYYY-MM-DD HH:MM) [default: now]
        #[arg(long, value_name = "WHEN")]
        at: Option<String>,
        /// A note (kept with the step, never in the audit trail)
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Close a case (finished, or given up): nothing of it falls due
    Close {
        /// The case's number
        case: i64,
    },
}
