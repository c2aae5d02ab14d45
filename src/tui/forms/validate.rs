//! Checking a form before it is saved: one function per form kind. Each
//! marks what is wrong beside its field (as a notice the view puts into
//! words) or returns the write to ask of the store.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use super::{Form, FormKind};
use crate::domain::appointment::{normalize_confirmation_number, Channel};
use crate::domain::port::LocalTimeError;
use crate::domain::{dates, port, PersonDetails, PersonStatus, Ports, Sex, Vulnerability};
use crate::store::{NewAppointment, NewOutage};
use crate::tui::app::App;
use crate::tui::message::Save;
use crate::tui::notice::{Arg, Notice};

/// Checks the open form; marks what is wrong beside each field and returns
/// `None`, or returns the write to ask for.
pub fn form(app: &mut App) -> Option<Save> {
    let form = app.form.clone()?;
    let mut c = Check {
        app,
        form: &form,
        errors: Vec::new(),
    };
    let save = match &form.kind {
        FormKind::Confirm {
            appointment_id,
            version,
        } => confirm(&mut c, *appointment_id, *version),
        FormKind::ConfirmGroup { travellers } => confirm_group(&mut c, travellers),
        FormKind::Person {
            person_id,
            version,
            confirmed_new,
        } => person(&mut c, *person_id, *version, *confirmed_new),
        FormKind::Schedule {
            person_id,
            household_id,
        } => schedule(&mut c, *person_id, *household_id),
        FormKind::Household {
            household_id,
            version,
        } => {
            let label = c.text("f_label").trim().to_string();
            if label.is_empty() {
                c.fail("f_label", Notice::new("err_required"));
            }
            let destination = c.text("f_destination").trim().to_string();
            Some(Save::Household {
                household_id: *household_id,
                version: *version,
                label,
                us_destination: (!destination.is_empty()).then_some(destination),
            })
        }
        FormKind::Outage => outage(&mut c).filter(|save| !already_recorded(&mut c, save)),
        FormKind::EditOutage { outage_id, version } => match outage(&mut c) {
            Some(Save::Outage(details)) => Some(Save::EditOutage {
                outage_id: *outage_id,
                version: *version,
                details,
            }),
            other => other,
        },
        FormKind::ResolveOutage { outage_id, version } => Some(Save::ResolveOutage {
            outage_id: *outage_id,
            version: *version,
            at: c.app.now,
        }),
        FormKind::Status {
            appointment_id,
            version,
            to,
        } => Some(Save::Status {
            appointment_id: *appointment_id,
            version: *version,
            to: *to,
        }),
        FormKind::Leave { person_id, version } => leave(&mut c, *person_id, *version),
        FormKind::Extension {
            outage_id, version, ..
        } => c.when("f_until").map(|until| Save::Extension {
            outage_id: *outage_id,
            version: *version,
            until,
        }),
        FormKind::Place { person_id, version } => place(&mut c, *person_id, *version),
        FormKind::Step {
            case_id,
            version,
            program,
        } => {
            let step = c.form.get("f_case_step").to_string();
            let note = c.text("f_note").to_string();
            c.when("f_step_at").map(|at| Save::Step {
                case_id: *case_id,
                version: *version,
                program: program.clone(),
                step,
                at,
                note,
            })
        }
        FormKind::Transfer { household_id } => transfer(&mut c, *household_id),
        FormKind::AnswerTransfer {
            transfer_id,
            version,
        } => answer(&mut c, *transfer_id, *version),
    };
    let failed = !c.errors.is_empty();
    let errors = std::mem::take(&mut c.errors);
    if let Some(f) = &mut app.form {
        for (label, nth, message) in errors {
            f.fail_nth(label, nth, message);
        }
        // The caret goes to the first field to mend, which scrolls into view.
        if let Some(first) = f.fields.iter().position(|x| x.error.is_some()) {
            f.focus = first;
        }
    }
    save.filter(|_| !failed)
}

/// A form being checked, with the errors found so far.
struct Check<'a> {
    app: &'a App,
    form: &'a Form,
    errors: Vec<(&'static str, usize, Notice)>,
}

impl Check<'_> {
    fn fail(&mut self, label: &'static str, message: Notice) {
        self.errors.push((label, 0, message));
    }

    fn text(&self, label: &str) -> &str {
        self.form.get(label)
    }

    /// A typed moment in the shelter's zone, as UTC.
    fn when(&mut self, label: &'static str) -> Option<DateTime<Utc>> {
        let text = self.form.get(label);
        let local = match dates::parse_moment(text, self.app.today()) {
            // `-1h`, `+30m`: from now, exactly.
            Some(dates::Moment::Offset(offset)) => return Some(self.app.now + offset),
            Some(dates::Moment::Local(local)) => local,
            None => {
                self.fail(label, Notice::new("err_date"));
                return None;
            }
        };
        port::from_local_in(self.app.tz, local)
            .map_err(|e| self.fail(label, time_error(&e)))
            .ok()
    }

    /// A typed day; `None` inside for an empty field.
    fn day(&mut self, label: &'static str) -> Option<Option<NaiveDate>> {
        let text = self.form.get(label);
        if text.is_empty() {
            return Some(None);
        }
        match dates::parse_when(text, self.app.today()) {
            Some((d, _)) => Some(Some(d)),
            None => {
                self.fail(label, Notice::new("err_date"));
                None
            }
        }
    }

    fn channel(&self) -> Channel {
        self.text("f_channel").parse().unwrap_or(Channel::App)
    }
}

/// A local time the clocks skipped or showed twice, said plainly.
fn time_error(e: &LocalTimeError) -> Notice {
    match e {
        LocalTimeError::Skipped { local, zone } => Notice::new("time_skipped")
            .with("local", Arg::Local(*local))
            .with("zone", Arg::Text(zone.clone())),
        LocalTimeError::Ambiguous {
            local,
            zone,
            earlier,
            later,
        } => Notice::new("time_twice")
            .with("local", Arg::Local(*local))
            .with("zone", Arg::Text(zone.clone()))
            .with("earlier", Arg::When(*earlier))
            .with("later", Arg::When(*later)),
    }
}

fn confirm(c: &mut Check, appointment_id: i64, version: i64) -> Option<Save> {
    let number = normalize_confirmation_number(c.text("f_number"))
        .map_err(|_| c.fail("f_number", Notice::new("err_number")))
        .ok();
    let at = c.when("f_confirmed_at");
    let channel = c.channel();
    number.zip(at).map(|(number, confirmed_at)| Save::Confirm {
        appointment_id,
        version,
        number,
        confirmed_at,
        channel,
    })
}

fn confirm_group(c: &mut Check, travellers: &[(i64, i64, String)]) -> Option<Save> {
    let at = c.when("f_confirmed_at");
    let mut items = Vec::new();
    for (i, (id, version, _)) in travellers.iter().enumerate() {
        let typed = c.form.get_nth("f_number", i);
        if typed.is_empty() {
            continue; // not yet confirmed: left pending
        }
        match normalize_confirmation_number(typed) {
            Ok(n) => items.push((*id, *version, n)),
            Err(_) => c.errors.push(("f_number", i, Notice::new("err_number"))),
        }
    }
    if items.is_empty() && c.errors.iter().all(|e| e.0 != "f_number") {
        c.fail("f_number", Notice::new("err_required"));
    }
    Some(Save::ConfirmGroup {
        items,
        confirmed_at: at?,
        channel: c.channel(),
    })
}

fn person(c: &mut Check, person_id: i64, version: i64, confirmed_new: bool) -> Option<Save> {
    let birth = c.day("f_birth");
    let arrival = c.day("f_arrival");
    if c.text("f_given").is_empty() {
        c.fail("f_given", Notice::new("err_required"));
    }
    let nationality = crate::domain::countries::nationality_code(c.text("f_nationality"));
    if nationality.is_none() {
        c.fail("f_nationality", Notice::new("err_nationality"));
    }
    let flags = Vulnerability::parse_list(c.text("f_vulnerabilities"))
        .map_err(|_| c.fail("f_vulnerabilities", Notice::new("err_flags")))
        .ok();
    let household_text = c.text("f_household").trim();
    // `#744` or `744`.
    let number = household_text.strip_prefix('#').unwrap_or(household_text);
    let household = match number.parse::<i64>() {
        Ok(id) if id > 0 => Some(Some(id)),
        _ if household_text.is_empty() && person_id == 0 => Some(None),
        _ => {
            c.fail("f_household", Notice::new("err_household"));
            None
        }
    };
    let original = c.app.person.as_ref().filter(|p| p.person.id == person_id);
    let details = PersonDetails {
        household_id: household?.unwrap_or(0),
        given_names: c.text("f_given").to_string(),
        family_names: c.text("f_family").to_string(),
        birth_date: birth?,
        sex: c.text("f_sex").parse().unwrap_or(Sex::Unknown),
        nationality: nationality?,
        languages: c.text("f_languages").to_string(),
        phone: Some(c.text("f_phone").to_string()),
        arrival_date: arrival?.unwrap_or_else(|| c.app.today()),
        departure_date: original.and_then(|p| p.person.details.departure_date),
        status: original.map_or(PersonStatus::Present, |p| p.person.details.status),
        vulnerabilities: flags?,
        notes: c.text("f_notes").to_string(),
    };
    if let Err(e) = details.tidy().validate() {
        c.fail("f_given", Notice::plain(e.to_string()));
        return None;
    }
    if person_id != 0 {
        return Some(Save::Person {
            person_id,
            version,
            details: Box::new(details),
        });
    }
    let shelter = match household {
        Some(None) => shelter_of(c),
        _ => c.app.shelter.as_ref().map(|s| s.id),
    };
    let label = if details.family_names.trim().is_empty() {
        details.given_names.clone()
    } else {
        details.family_names.clone()
    };
    Some(Save::NewPerson {
        new_household: match household? {
            None => Some((shelter?, label)),
            Some(_) => None,
        },
        details: Box::new(details),
        even_if_known: confirmed_new,
    })
}

/// The shelter a new household goes to: the one typed (its name or city,
/// accents and case aside), else the session's.
fn shelter_of(c: &mut Check) -> Option<i64> {
    use crate::domain::names::fold;
    let typed = fold(c.text("f_shelter"));
    if typed.is_empty() {
        return c.app.shelter.as_ref().map(|s| s.id);
    }
    let known = &c.app.roster.shelters;
    let found = known
        .iter()
        .find(|s| fold(&s.name) == typed || fold(&s.city) == typed)
        .map(|s| s.id);
    if found.is_none() {
        let names: Vec<&str> = known.iter().map(|s| s.name.as_str()).collect();
        c.fail(
            "f_shelter",
            Notice::new("err_shelter").with("known", Arg::Text(names.join(", "))),
        );
    }
    found
}

fn schedule(c: &mut Check, person_id: i64, household_id: i64) -> Option<Save> {
    let port = port::by_code(c.text("f_port"));
    // The appointment is typed in the port's own time.
    let at = port.and_then(|p| {
        let today = p.local_time(c.app.now).date_naive();
        match dates::parse_when(c.text("f_appointment_at"), today) {
            None => {
                c.fail("f_appointment_at", Notice::new("err_date"));
                None
            }
            Some((day, time)) => p
                .from_local(day.and_time(time.unwrap_or(NaiveTime::MIN)))
                .map_err(|e| c.fail("f_appointment_at", time_error(&e)))
                .ok(),
        }
    });
    let allocated_at = c.when("f_allocated_at");
    Some(Save::Schedule(NewAppointment {
        household_id,
        person_id: Some(person_id),
        port_code: port?.code.clone(),
        appointment_at: at?,
        allocated_at: allocated_at?,
    }))
}

/// A new outage of the same step at the same ports as one going on is
/// that one again: refused, naming it (correct it on the outages screen).
fn already_recorded(c: &mut Check, save: &Save) -> bool {
    let Save::Outage(new) = save else {
        return false;
    };
    let ports = |p: &Ports| match p {
        Ports::All => None,
        Ports::Some(codes) => {
            let mut codes = codes.clone();
            codes.sort();
            codes.dedup();
            Some(codes)
        }
    };
    let now = c.app.now;
    let still_on = new.ended_at.is_none_or(|end| end > now);
    let same = c
        .app
        .active_outages()
        .into_iter()
        .find(|o| {
            still_on && o.affected_step == new.affected_step && ports(&o.ports) == ports(&new.ports)
        })
        .map(|o| (o.id, o.started_at));
    if let Some((id, since)) = same {
        c.fail(
            "f_step",
            Notice::new("err_outage_twice")
                .with("id", Arg::Count(id as usize))
                .with("since", Arg::When(since)),
        );
    }
    same.is_some()
}

fn outage(c: &mut Check) -> Option<Save> {
    let ports_text = c.text("f_ports");
    let ports = if ports_text.is_empty()
        || matches!(
            crate::domain::names::fold(ports_text).as_str(),
            "all" | "todos" | "todo"
        ) {
        Some(Ports::All)
    } else {
        let codes: Vec<String> = ports_text
            .split([',', ' '])
            .filter(|c| !c.is_empty())
            .map(|c| c.trim().to_ascii_uppercase())
            .collect();
        if codes.iter().all(|c| port::by_code(c).is_some()) {
            Some(Ports::Some(codes))
        } else {
            c.fail("f_ports", Notice::new("err_ports"));
            None
        }
    };
    let start = c.when("f_start");
    let end = match c.text("f_end") {
        "" => Some(None),
        _ => c.when("f_end").map(Some),
    };
    if let (Some(s), Some(Some(e))) = (start, end) {
        if e < s {
            c.fail("f_end", Notice::new("err_end_before_start"));
        }
    }
    let source = c.text("f_source").to_string();
    if source.is_empty() {
        c.fail("f_source", Notice::new("err_required"));
    }
    let service = c.text("f_service").to_string();
    // Step and ports are CBP One's: another program's outage puts at risk
    // the steps its file marks, at every venue.
    let cbp_one = service == crate::domain::outage::CBP_ONE_SERVICE;
    Some(Save::Outage(NewOutage {
        affected_step: if cbp_one {
            c.text("f_step").parse().ok()?
        } else {
            crate::domain::Step::All
        },
        ports: if cbp_one { ports? } else { Ports::All },
        service,
        started_at: start?,
        ended_at: end?,
        source,
        note: c.text("f_note").to_string(),
    }))
}

fn leave(c: &mut Check, person_id: i64, version: i64) -> Option<Save> {
    let status = c.text("f_leaving_as").parse::<PersonStatus>().ok();
    let day = dates::parse_when(c.text("f_day"), c.app.today()).map(|(d, _)| d);
    if day.is_none() {
        c.fail("f_day", Notice::new("err_date"));
    }
    let page = c.app.person.as_ref().filter(|p| p.person.id == person_id)?;
    let (status, day) = (status?, day?);
    if day < page.person.details.arrival_date {
        c.fail(
            "f_day",
            Notice::new("err_left_before_arrival")
                .with("day", Arg::Day(page.person.details.arrival_date)),
        );
        return None;
    }
    // Crossing marks their confirmed appointment presented: not on a day
    // before it (they crossed another way, or the day is mistyped).
    // (One still to confirm is asked about instead: they may have crossed
    // another way.)
    let live = page
        .appointments
        .iter()
        .filter(|a| a.status == crate::domain::AppointmentStatus::Confirmed);
    let first = live
        .filter_map(|a| {
            Some((
                port::by_code(&a.port_code)?
                    .local_time(a.appointment_at)
                    .date_naive(),
                a,
            ))
        })
        .map(|(d, _)| d)
        .min();
    if let (PersonStatus::Crossed, Some(on)) = (status, first) {
        if day < on {
            c.fail(
                "f_day",
                Notice::new("err_crossed_before_appointment").with("day", Arg::Day(on)),
            );
            return None;
        }
    }
    let mut details = page.person.details.clone();
    details.status = status;
    details.departure_date = Some(day);
    let others = if c.text("f_leaving_who") == "household" {
        page.members
            .iter()
            .filter(|m| m.id != person_id && m.details.status == PersonStatus::Present)
            .map(|m| {
                let mut d = m.details.clone();
                d.status = status;
                d.departure_date = Some(day);
                (m.id, m.version, d)
            })
            .collect()
    } else {
        Vec::new()
    };
    Some(Save::Leave {
        person_id,
        version,
        details: Box::new(details),
        // Asked only when the person has an appointment still to confirm.
        cancel_pending: c.text("f_pending_crossed") == "cancel",
        others,
    })
}

/// A section of the person's shelter, by its name (accents and case
/// aside); empty: in none.
fn place(c: &mut Check, person_id: i64, version: i64) -> Option<Save> {
    use crate::domain::names::fold;
    let page = c.app.person.as_ref()?;
    let typed = fold(c.text("f_section"));
    if typed.is_empty() {
        return Some(Save::Place {
            person_id,
            version,
            section_id: None,
        });
    }
    let found = page.sections.iter().find(|s| fold(&s.name) == typed);
    match found {
        Some(s) => Some(Save::Place {
            person_id,
            version,
            section_id: Some(s.id),
        }),
        None => {
            let names: Vec<String> = page
                .sections
                .iter()
                .map(|s| format!("{} ({})", s.name, s.free()))
                .collect();
            let notice = if names.is_empty() {
                Notice::new("err_no_sections")
            } else {
                Notice::new("err_section").with("known", Arg::Text(names.join(", ")))
            };
            c.fail("f_section", notice);
            None
        }
    }
}

/// A transfer: to another shelter of the network (its name or city), only
/// with the person's consent, and who asked them.
fn transfer(c: &mut Check, household_id: i64) -> Option<Save> {
    use crate::domain::names::fold;
    let page = c.app.person.as_ref()?;
    let typed = fold(c.text("f_to_shelter"));
    let to = page
        .elsewhere
        .iter()
        .find(|s| !typed.is_empty() && (fold(&s.name) == typed || fold(&s.city) == typed))
        .map(|s| s.id);
    if to.is_none() {
        let names: Vec<&str> = page.elsewhere.iter().map(|s| s.name.as_str()).collect();
        c.fail(
            "f_to_shelter",
            Notice::new("err_shelter").with("known", Arg::Text(names.join(", "))),
        );
    }
    let given = c.text("f_consent") == "yes";
    if !given {
        c.fail("f_consent", Notice::new("err_consent"));
    }
    let asked_by = c.text("f_consent_asked_by").trim().to_string();
    if asked_by.is_empty() {
        c.fail("f_consent_asked_by", Notice::new("err_required"));
    }
    Some(Save::Transfer {
        household_id,
        to_shelter: to?,
        consent: crate::domain::Consent { given, asked_by },
    })
}

/// Accept, or decline with a reason.
fn answer(c: &mut Check, transfer_id: i64, version: i64) -> Option<Save> {
    let accept = c.text("f_answer") == "accept";
    let reason = c.text("f_reason").trim().to_string();
    if !accept && reason.is_empty() {
        c.fail("f_reason", Notice::new("err_reason"));
    }
    Some(Save::AnswerTransfer {
        transfer_id,
        version,
        accept,
        reason,
    })
}
