//! One person: details, household, appointments and the audit trail.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{appointment_status, clean, local_when, person_status, port_day_time};
use crate::domain::{port, AuditEntry, Change, PersonStatus};
use crate::i18n::{date, duration, t, Lang};
use crate::tui::app::App;
use crate::tui::message::PersonPage;
use crate::tui::notice::{appointment_status_key, Arg, Notice};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let th = app.theme;
    let Some(page) = &app.person else {
        super::loading(app, frame, area);
        return;
    };
    let p = &page.person;
    let d = &p.details;
    let field = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label:<16}"), th.muted()),
            Span::raw(clean(&value)),
        ])
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(clean(&p.full_name()), th.title()),
            Span::styled(format!("   #{}", p.id), th.muted()),
        ]),
        field(
            t(lang, "col_status"),
            person_status(lang, d.status).to_string(),
        ),
        field(
            t(lang, "shelter"),
            page.shelter.clone().unwrap_or_else(|| "—".into()),
        ),
    ];
    if d.status == crate::domain::PersonStatus::Present {
        lines.push(field(
            t(lang, "person_section"),
            page.section.as_ref().map_or_else(
                || t(lang, "person_no_section").to_string(),
                |s| s.name.clone(),
            ),
        ));
    }
    if let Some(tr) = &page.pending_transfer {
        let to = page
            .elsewhere
            .iter()
            .chain(app.roster.shelters.iter())
            .find(|s| s.id == tr.to_shelter)
            .map_or_else(|| format!("#{}", tr.to_shelter), |s| s.name.clone());
        lines.push(Line::styled(
            clean(&super::say(
                app,
                &Notice::new("person_transfer_pending").with("to", Arg::Text(to)),
            )),
            th.warning(),
        ));
    }
    lines.extend([
        field(
            t(lang, "birth_date"),
            d.birth_date
                .map(|b| date(lang, b))
                .unwrap_or_else(|| "—".into()),
        ),
        field(
            t(lang, "col_nationality"),
            format!("{} · {}", d.nationality, d.languages),
        ),
        field(
            t(lang, "phone"),
            d.phone.clone().unwrap_or_else(|| "—".into()),
        ),
        field(
            t(lang, "arrival"),
            format!(
                "{} · {} {}",
                date(lang, d.arrival_date),
                p.days_waiting(app.today()),
                t(lang, "unit_days")
            ),
        ),
    ]);
    if let Some(dep) = d.departure_date {
        lines.push(field(t(lang, "departure"), date(lang, dep)));
    }
    if !d.vulnerabilities.is_empty() {
        let flags: Vec<&str> = d.vulnerabilities.iter().map(|v| v.as_str()).collect();
        lines.push(Line::from(vec![
            Span::styled(format!("{:<16}", t(lang, "care")), th.muted()),
            Span::styled(flags.join(", "), th.warning()),
        ]));
    }
    if !d.notes.is_empty() {
        lines.push(field(t(lang, "notes"), String::new()));
        for note in d.notes.lines() {
            lines.push(Line::raw(format!("  {}", clean(note))));
        }
    }

    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "{} #{} {} · {}",
            t(lang, "col_household"),
            page.household.id,
            clean(&page.household.label),
            clean(page.household.us_destination.as_deref().unwrap_or("—"))
        ),
        th.title(),
    ));
    for m in &page.members {
        let me = if m.id == p.id { "›" } else { " " };
        let year = m
            .details
            .birth_date
            .map(|b| b.format("%Y").to_string())
            .unwrap_or_else(|| "—".into());
        let status = person_status(lang, m.details.status);
        let name = clean(&m.full_name());
        // In columns where there is room; on a phone, one line that wraps.
        // A long name is not cut and pushes nothing out of line: its year
        // and status go below it.
        if super::narrow(area) || name.chars().count() > 32 {
            lines.push(Line::raw(format!("{me} {name}")));
            lines.push(Line::styled(format!("    {year} · {status}"), th.muted()));
        } else {
            lines.push(Line::raw(format!("{me} {name:<32} {year}  {status}")));
        }
    }

    lines.push(Line::raw(""));
    lines.push(Line::styled(t(lang, "screen_appointments"), th.title()));
    if page.appointments.is_empty() {
        lines.push(Line::styled(t(lang, "no_appointments"), th.muted()));
    }
    for a in &page.appointments {
        let when = port::by_code(&a.port_code)
            .map(|pt| format!("{} {}", pt.code, port_day_time(lang, pt, a.appointment_at)))
            .unwrap_or_else(|| a.port_code.clone());
        let mut spans = vec![
            Span::raw(format!("{when:<22} ")),
            Span::styled(
                format!("{:<12} ", appointment_status(lang, a.status)),
                th.header(),
            ),
        ];
        if let Some(n) = &a.confirmation_number {
            spans.push(Span::raw(format!("{} ", clean(n))));
        }
        if a.status == crate::domain::AppointmentStatus::PendingConfirmation {
            let left = a.deadline_left(app.now).num_minutes();
            let text = if left > 0 {
                format!("{} {}", t(lang, "deadline_in"), duration(lang, left))
            } else {
                t(lang, "deadline_passed").to_string()
            };
            spans.push(Span::styled(
                text,
                if left < 180 {
                    th.urgent()
                } else {
                    th.warning()
                },
            ));
        }
        if let Some(ext) = a.extended_until {
            spans.push(Span::styled(
                format!(
                    " · {} {}",
                    t(lang, "extended_until"),
                    local_when(lang, app.tz, ext)
                ),
                th.ok(),
            ));
        }
        lines.push(Line::from(spans));
    }

    lines.push(Line::raw(""));
    lines.push(Line::styled(t(lang, "audit_trail"), th.title()));
    if page.audit.is_empty() {
        lines.push(Line::styled(t(lang, "no_changes"), th.muted()));
    }
    // Newest first: what changed last is what a coordinator looks for.
    for e in page.audit.iter().rev() {
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", local_when(lang, app.tz, e.at)), th.muted()),
            Span::raw(clean(&audit_sentence(app, page, e))),
        ]));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((app.person_scroll, 0)),
        area,
    );
}

/// An audit row as a sentence in the interface language: who did what to
/// which appointment ("maria confirmed the appointment at San Ysidro").
fn audit_sentence(app: &App, page: &PersonPage, e: &AuditEntry) -> String {
    let lang = app.lang;
    let port = || {
        let code = e
            .entity_id
            .filter(|_| e.entity == "appointment")
            .and_then(|id| page.appointments.iter().find(|a| a.id == id))
            .map(|a| a.port_code.as_str())
            .unwrap_or("?");
        port::by_code(code).map_or_else(|| code.to_string(), |p| p.name.clone())
    };
    let who = Arg::Text(e.who().to_string());
    let notice = match e.change() {
        Change::PersonAdded { imported } => Notice::new(if imported {
            "audit_person_imported"
        } else {
            "audit_person_added"
        }),
        Change::PersonChanged { fields } => {
            let names: Vec<&str> = fields.iter().map(|f| field_name(lang, f)).collect();
            Notice::new("audit_person_changed").with("fields", Arg::Text(names.join(", ")))
        }
        Change::AppointmentAdded { imported } => Notice::new(if imported {
            "audit_appointment_imported"
        } else {
            "audit_appointment_added"
        })
        .with("port", Arg::Text(port())),
        Change::Confirmed => Notice::new("audit_confirmed").with("port", Arg::Text(port())),
        Change::Extended => Notice::new("audit_extended").with("port", Arg::Text(port())),
        Change::AppointmentStatus { to, left } => Notice::new(match left {
            None | Some(PersonStatus::Present) => "audit_status",
            Some(PersonStatus::Departed) => "audit_left_departed",
            Some(PersonStatus::Crossed) => "audit_left_crossed",
            Some(PersonStatus::Transferred) => "audit_left_transferred",
        })
        .with("port", Arg::Text(port()))
        .with("status", Arg::Key(appointment_status_key(to))),
        Change::Other => {
            return format!("{} {} {}", e.who(), e.action, e.summary);
        }
    };
    super::say(app, &notice.with("who", who))
}

/// A person column's name in the interface language.
fn field_name(lang: Lang, column: &str) -> &str {
    let key = match column {
        "given_names" => "f_given",
        "family_names" => "f_family",
        "birth_date" => "f_birth",
        "sex" => "f_sex",
        "nationality" => "f_nationality",
        "languages" => "f_languages",
        "phone" => "f_phone",
        "arrival_date" => "f_arrival",
        "household_id" => "f_household",
        "vulnerabilities" => "f_vulnerabilities",
        "notes" => "f_notes",
        "status" => "audit_field_status",
        "departure_date" => "audit_field_departure",
        other => return other,
    };
    t(lang, key)
}
