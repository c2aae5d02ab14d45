//! What each form records, and its fields.

use super::field::Field;
use crate::domain::message::Language;

/// What a form records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKind {
    /// A confirmation of one appointment.
    Confirm {
        /// The appointment.
        appointment_id: i64,
        /// Its version when the form opened.
        version: i64,
    },
    /// Confirmations for several travellers of one group, saved together.
    ConfirmGroup {
        /// (appointment, version, traveller's name), one a traveller.
        travellers: Vec<(i64, i64, String)>,
    },
    /// A new appointment for a traveller.
    Schedule {
        /// The traveller.
        person_id: i64,
        /// Their group.
        household_id: i64,
    },
    /// A new person (`person_id` 0) or new details for one.
    Person {
        /// The person, or 0 for a new one.
        person_id: i64,
        /// Their version when the form opened (0 for a new one).
        version: i64,
        /// Set once the coordinator has seen the possible duplicates and saves anyway.
        confirmed_new: bool,
    },
    /// A household's label and US destination.
    Household {
        /// The household.
        household_id: i64,
        /// Its version when the form opened.
        version: i64,
    },
    /// A new outage.
    Outage,
    /// New details for a recorded outage (the same fields as a new one).
    EditOutage {
        /// The outage.
        outage_id: i64,
        /// Its version when the form opened.
        version: i64,
    },
    /// "CBP One works again": the outage ends now, asked for confirmation.
    ResolveOutage {
        /// The outage.
        outage_id: i64,
        /// Its version when the form opened.
        version: i64,
    },
    /// A status change of one appointment, asked for confirmation.
    Status {
        /// The appointment.
        appointment_id: i64,
        /// Its version when the form opened.
        version: i64,
        /// The status it goes to.
        to: crate::domain::AppointmentStatus,
    },
    /// A person leaving the shelter (departed, crossed, transferred).
    Leave {
        /// The person.
        person_id: i64,
        /// Their version when the form opened.
        version: i64,
    },
    /// An extension for the appointments an outage puts at risk.
    Extension {
        /// The outage.
        outage_id: i64,
        /// Its version when the form opened.
        version: i64,
        /// How many appointments it puts at risk (the preview).
        at_risk: usize,
    },
    /// A person's section (their bed) at their shelter.
    Place {
        /// The person.
        person_id: i64,
        /// Their version when the form opened.
        version: i64,
    },
    /// A household's transfer to another shelter, with the person's consent.
    Transfer {
        /// The household.
        household_id: i64,
    },
    /// A step of a case in a program kept as a file (a COMAR signature).
    Step {
        /// The case.
        case_id: i64,
        /// Its version when the form opened.
        version: i64,
        /// Its program's id.
        program: String,
    },
    /// The receiving shelter's answer to a transfer: accept or decline.
    AnswerTransfer {
        /// The transfer.
        transfer_id: i64,
        /// Its version when the form opened.
        version: i64,
    },
}

impl FormKind {
    /// The form's fields, empty.
    pub fn fields(&self) -> Vec<Field> {
        match self {
            Self::Confirm { .. } => vec![
                Field::text("f_number"),
                Field::text("f_confirmed_at"),
                channel_field(),
            ],
            Self::ConfirmGroup { travellers } => {
                let mut fields: Vec<Field> = travellers
                    .iter()
                    .enumerate()
                    .map(|(i, (_, _, name))| Field {
                        nth: i,
                        caption: Some(name.clone()),
                        placeholder: Some("f_number_each"),
                        ..Field::text("f_number")
                    })
                    .collect();
                fields.push(Field::text("f_confirmed_at"));
                fields.push(channel_field());
                fields
            }
            Self::Person { person_id, .. } => {
                let mut fields = vec![
                    Field::text("f_given"),
                    Field::text("f_family"),
                    Field::text("f_birth"),
                    Field::choice(
                        "f_sex",
                        vec![
                            ("unknown", "sex_unknown"),
                            ("female", "sex_female"),
                            ("male", "sex_male"),
                            ("other", "sex_other"),
                        ],
                    ),
                    Field::text("f_nationality"),
                    Field::text("f_languages"),
                    Field::text("f_phone"),
                    Field::text("f_arrival"),
                    Field::text("f_household"),
                    Field::text("f_vulnerabilities"),
                    Field::text("f_notes"),
                ];
                // A new person's new household is at a shelter: which one.
                if *person_id == 0 {
                    fields.insert(9, Field::text("f_shelter"));
                }
                fields
            }
            Self::Schedule { .. } => vec![
                Field::choice(
                    "f_port",
                    crate::domain::port::all()
                        .iter()
                        .map(|p| (p.code.as_str(), p.name.as_str()))
                        .collect(),
                ),
                Field::text("f_appointment_at"),
                Field::text("f_allocated_at"),
            ],
            Self::Outage | Self::EditOutage { .. } => vec![
                Field::choice(
                    "f_step",
                    vec![
                        ("confirm", "step_opt_confirm"),
                        ("all", "step_opt_all"),
                        ("login", "step_opt_login"),
                        ("request", "step_opt_request"),
                    ],
                ),
                Field {
                    placeholder: Some("ports_all_value"),
                    ..Field::text("f_ports")
                },
                Field::text("f_start"),
                Field::text("f_end"),
                Field::text("f_source"),
                Field::text("f_note"),
                // (Last: the keys of a CBP One outage stay as they were.)
                service_field(),
            ],
            Self::Household { .. } => vec![Field::text("f_label"), Field::text("f_destination")],
            Self::Status { .. } | Self::ResolveOutage { .. } => vec![],
            Self::Leave { .. } => vec![
                Field::choice(
                    "f_leaving_as",
                    vec![
                        ("crossed", "person_crossed"),
                        ("departed", "person_departed"),
                        ("transferred", "person_transferred"),
                    ],
                ),
                Field::text("f_day"),
            ],
            Self::Extension { .. } => vec![Field::text("f_until")],
            Self::Place { .. } => vec![Field::text("f_section")],
            Self::Transfer { .. } => vec![
                Field::text("f_to_shelter"),
                Field::choice(
                    "f_consent",
                    vec![("no", "consent_not_yet"), ("yes", "consent_given")],
                ),
                Field::text("f_consent_asked_by"),
            ],
            Self::Step { program, .. } => {
                // (The program's steps, by name: the programs in force live
                // as long as the process.)
                let steps = crate::programs::in_force()
                    .get(program)
                    .map(|p| {
                        p.steps
                            .iter()
                            .map(|s| (s.id.as_str(), s.name.get(Language::Es)))
                            .collect()
                    })
                    .unwrap_or_default();
                vec![
                    Field::choice("f_case_step", steps),
                    Field::text("f_step_at"),
                    Field::text("f_note"),
                ]
            }
            Self::AnswerTransfer { .. } => vec![
                Field::choice(
                    "f_answer",
                    vec![("accept", "answer_accept"), ("decline", "answer_decline")],
                ),
                Field::text("f_reason"),
            ],
        }
    }

    /// String-table key of the form's title.
    pub fn title_key(&self) -> &'static str {
        match self {
            Self::Confirm { .. } | Self::ConfirmGroup { .. } => "form_confirm",
            Self::Schedule { .. } => "form_schedule",
            Self::Person { person_id: 0, .. } => "form_person_new",
            Self::Person { .. } => "form_person_edit",
            Self::Household { .. } => "form_household",
            Self::Outage => "form_outage",
            Self::EditOutage { .. } => "form_outage_edit",
            Self::ResolveOutage { .. } => "form_outage_resolve",
            Self::Status { .. } => "form_status",
            Self::Leave { .. } => "form_leave",
            Self::Extension { .. } => "form_extension",
            Self::Place { .. } => "form_place",
            Self::Transfer { .. } => "form_transfer",
            Self::AnswerTransfer { .. } => "form_answer_transfer",
            Self::Step { .. } => "form_step",
        }
    }
}

/// Whose online service fails: CBP One's (first), or that of another
/// program the shelter follows whose file names one. (The programs in
/// force live as long as the process.)
fn service_field() -> Field {
    let mut options: Vec<(&'static str, &'static str)> = crate::programs::in_force()
        .followed()
        .into_iter()
        .filter_map(|p| {
            let service = p.service.as_deref()?;
            Some((crate::domain::outage::service_of(&p.id), service))
        })
        .collect();
    options.sort_by_key(|(value, _)| *value != crate::domain::outage::CBP_ONE_SERVICE);
    if options.is_empty() {
        options.push((crate::domain::outage::CBP_ONE_SERVICE, "CBP One"));
    }
    Field::choice("f_service", options)
}

fn channel_field() -> Field {
    Field::choice(
        "f_channel",
        vec![
            ("app", "channel_app"),
            ("email", "channel_email"),
            ("phone", "channel_phone"),
            ("in_person", "channel_in_person"),
        ],
    )
}
