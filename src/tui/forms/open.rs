//! Opening each form, with its defaults.

use chrono::{DateTime, Utc};

use super::{Form, FormKind};
use crate::domain::AppointmentStatus;
use crate::store::AppointmentLine;
use crate::tui::app::App;
use crate::tui::notice::Notice;

/// Local wall-clock text for a form's default (`2024-05-22 08:00`).
fn local_text(app: &App, at: DateTime<Utc>) -> String {
    at.with_timezone(&app.tz)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The confirmation form for the person shown: their pending
/// appointment, with every traveller of the household still to confirm
/// for the same port and time.
pub fn confirm(app: &mut App) {
    let Some(page) = app.person.as_ref() else {
        return;
    };
    let now = app.now;
    let own = page
        .appointments
        .iter()
        .filter(|a| a.status == AppointmentStatus::PendingConfirmation)
        .find(|a| a.effective_deadline() > now)
        .or_else(|| {
            page.appointments
                .iter()
                .find(|a| a.status == AppointmentStatus::PendingConfirmation)
        });
    let Some(own) = own.cloned() else {
        single_confirm(app, None);
        return;
    };
    let pending = page.group_pending.clone();
    let chosen = AppointmentLine {
        appointment: own,
        name: page.person.full_name(),
    };
    confirm_household(app, &chosen, &pending);
}

/// The confirmation form for `chosen` and every other traveller of its
/// household still to confirm (`pending`: the household's pending
/// appointments) at the same port and time: a line for each, named, the
/// focus on the chosen one's; the title names the port and time.
pub fn confirm_household(app: &mut App, chosen: &AppointmentLine, pending: &[AppointmentLine]) {
    let a = &chosen.appointment;
    let mut lines: Vec<&AppointmentLine> = pending
        .iter()
        .filter(|l| {
            let b = &l.appointment;
            b.id == a.id
                || (b.port_code == a.port_code
                    && b.appointment_at == a.appointment_at
                    && b.effective_deadline() > app.now)
        })
        .collect();
    if !lines.iter().any(|l| l.appointment.id == a.id) {
        lines.insert(0, chosen);
    }
    let mut form = if lines.len() > 1 {
        let travellers = lines
            .iter()
            .map(|l| (l.appointment.id, l.appointment.version, l.name.clone()))
            .collect();
        let kind = FormKind::ConfirmGroup { travellers };
        let mut form = Form::new(kind.clone(), kind.fields());
        form.focus = lines
            .iter()
            .position(|l| l.appointment.id == a.id)
            .unwrap_or(0);
        form
    } else {
        let kind = FormKind::Confirm {
            appointment_id: a.id,
            version: a.version,
        };
        let mut form = Form::new(kind.clone(), kind.fields());
        form.fields[0].caption = Some(chosen.name.clone());
        form.fields[0].placeholder = Some("f_number_each");
        form
    };
    form.set("f_confirmed_at", &local_text(app, app.now));
    form.about = Some((a.port_code.clone(), a.appointment_at));
    app.form = Some(form);
    app.dirty = true;
}

/// Opens the confirmation form for one appointment (id, version), or says
/// there is nothing waiting for confirmation.
pub fn single_confirm(app: &mut App, pending: Option<(i64, i64)>) {
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
        None => app.say(Notice::new("no_pending"), true),
    }
    app.dirty = true;
}

/// Asks to move the person's appointment to `to`.
pub fn status(app: &mut App, to: AppointmentStatus) {
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
        None => app.say(Notice::new("no_appointment"), true),
    }
    app.dirty = true;
}

/// A new person (`new`) or the person shown.
pub fn person(app: &mut App, new: bool) {
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
        None => {
            form.set("f_arrival", &app.today().format("%Y-%m-%d").to_string());
            if let Some(s) = &app.shelter {
                form.set("f_shelter", &s.name);
            }
        }
        Some(p) => {
            form.fill_person(&p.details);
            form.base = Some(Box::new(p.details));
        }
    }
    app.form = Some(form);
    app.dirty = true;
}

/// A new appointment for the person shown.
pub fn schedule(app: &mut App) {
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

/// The person shown leaves.
pub fn leave(app: &mut App) {
    let Some(p) = &app.person else { return };
    let (person_id, version) = (p.person.id, p.person.version);
    let kind = FormKind::Leave { person_id, version };
    let mut fields = kind.fields();
    // What becomes of an appointment still to confirm if they crossed is
    // for the coordinator to say (departed or transferred cancels it).
    if p.appointments
        .iter()
        .any(|a| a.status == crate::domain::AppointmentStatus::PendingConfirmation)
    {
        fields.push(super::Field::choice(
            "f_pending_crossed",
            vec![
                ("keep", "leave_pending_keep"),
                ("cancel", "leave_pending_cancel"),
            ],
        ));
    }
    // Others of the household still here may leave with them, in one commit.
    if p.members
        .iter()
        .any(|m| m.id != person_id && m.details.status == crate::domain::PersonStatus::Present)
    {
        fields.push(super::Field::choice(
            "f_leaving_who",
            vec![("one", "leave_just_them"), ("household", "leave_household")],
        ));
    }
    let mut form = Form::new(kind.clone(), fields);
    form.set("f_day", &app.today().format("%Y-%m-%d").to_string());
    app.form = Some(form);
    app.dirty = true;
}

/// A new outage.
pub fn outage(app: &mut App) {
    let mut form = Form::new(FormKind::Outage, FormKind::Outage.fields());
    form.set("f_start", &local_text(app, app.now));
    app.form = Some(form);
    app.dirty = true;
}

/// The selected outage's details, to correct.
pub fn edit_outage(app: &mut App) {
    let Some(o) = app.outages.selected().cloned() else {
        return;
    };
    let kind = FormKind::EditOutage {
        outage_id: o.id,
        version: o.version,
    };
    let mut form = Form::new(kind.clone(), kind.fields());
    form.choose("f_service", &o.service);
    form.choose("f_step", o.affected_step.as_str());
    let ports = match &o.ports {
        crate::domain::Ports::All => String::new(),
        crate::domain::Ports::Some(codes) => codes.join(", "),
    };
    form.set("f_ports", &ports);
    form.set("f_start", &local_text(app, o.started_at));
    if let Some(end) = o.ended_at {
        form.set("f_end", &local_text(app, end));
    }
    form.set("f_source", &o.source);
    form.set("f_note", &o.note);
    app.form = Some(form);
    app.dirty = true;
}

/// "CBP One works again": the selected outage, if still going on, ends now
/// (asked first).
pub fn resolve_outage(app: &mut App) {
    let Some(o) = app.outages.selected() else {
        return;
    };
    if o.ended_at.is_some_and(|e| e <= app.now) {
        app.say(Notice::new("outage_already_over"), true);
        return;
    }
    let kind = FormKind::ResolveOutage {
        outage_id: o.id,
        version: o.version,
    };
    app.form = Some(Form::new(kind, Vec::new()));
    app.dirty = true;
}

/// An extension for the outage selected.
pub fn extension(app: &mut App) {
    let Some(o) = app.outages.selected() else {
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

/// The household of the person shown: its label and US destination.
pub fn household(app: &mut App) {
    let Some(page) = &app.person else { return };
    let h = &page.household;
    let kind = FormKind::Household {
        household_id: h.id,
        version: h.version,
    };
    let mut form = Form::new(kind.clone(), kind.fields());
    form.set("f_label", &h.label);
    form.set("f_destination", h.us_destination.as_deref().unwrap_or(""));
    app.form = Some(form);
    app.dirty = true;
}

/// A new person in the household of the person shown: its number and
/// family name filled in.
pub fn member(app: &mut App) {
    let Some(page) = &app.person else { return };
    let (household, family) = (page.household.id, page.person.details.family_names.clone());
    person(app, true);
    if let Some(form) = &mut app.form {
        form.set("f_household", &format!("#{household}"));
        form.set("f_family", &family);
    }
}

/// The section (bed) of the person shown, to change: someone present only.
pub fn place(app: &mut App) {
    let Some(p) = &app.person else { return };
    if p.person.details.status != crate::domain::PersonStatus::Present {
        app.say(Notice::new("err_place_not_present"), true);
        return;
    }
    let kind = FormKind::Place {
        person_id: p.person.id,
        version: p.person.version,
    };
    let mut form = Form::new(kind.clone(), kind.fields());
    form.set(
        "f_section",
        p.section.as_ref().map_or("", |s| s.name.as_str()),
    );
    app.form = Some(form);
    app.dirty = true;
}

/// "Record this step" for a case (the one selected on the cases screen,
/// or on the dashboard's "due soonest"): its next step due chosen, the
/// time now.
pub fn case_step(app: &mut App, line: &crate::store::CaseLine) {
    let kind = FormKind::Step {
        case_id: line.case.id,
        version: line.case.version,
        program: line.case.program.clone(),
    };
    let next = line.next.map(|d| d.step);
    let mut form = Form::new(kind.clone(), kind.fields());
    if let (Some(step), Some(p)) = (next, crate::programs::in_force().get(&line.case.program)) {
        form.choose("f_case_step", &p.steps[step].id);
    }
    form.set("f_step_at", &local_text(app, app.now));
    app.form = Some(form);
    app.dirty = true;
}

/// A transfer of the household shown to another shelter (one at a time).
pub fn transfer(app: &mut App) {
    let Some(p) = &app.person else { return };
    if p.pending_transfer.is_some() {
        app.say(Notice::new("transfer_waiting"), true);
        return;
    }
    let kind = FormKind::Transfer {
        household_id: p.household.id,
    };
    let mut form = Form::new(kind.clone(), kind.fields());
    form.set("f_consent_asked_by", app.actor.as_str());
    app.form = Some(form);
    app.dirty = true;
}

/// The answer to the first transfer coming to the session's shelters (the
/// oldest asked), who is coming said in the form.
pub fn answer_transfer(app: &mut App) {
    let Some(first) = app.dashboard.as_ref().and_then(|d| d.arriving.first()) else {
        app.say(Notice::new("no_arriving"), false);
        return;
    };
    let t = &first.transfer;
    let kind = FormKind::AnswerTransfer {
        transfer_id: t.id,
        version: t.version,
    };
    let mut fields = kind.fields();
    fields[0].caption = Some(format!(
        "{} ({}) \u{2190} {}: {}",
        first.household,
        t.people,
        first.from,
        first.names.join(", ")
    ));
    app.form = Some(Form::new(kind, fields));
    app.dirty = true;
}
