//! The open form, drawn over the screen: labels, values with a caret,
//! errors beside their field.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::{centered, clean, clear, fit, wrap};
use crate::i18n::t;
use crate::tui::app::App;
use crate::tui::forms::{FormKind, Input};
use crate::tui::keys::Action;
use crate::tui::notice::Notice;

const LABEL_WIDTH: usize = 18;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(form) = &app.form else { return };
    let lang = app.lang;
    let th = app.theme;
    let width = area.width.min(76);
    let inner_width = width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    match &form.kind {
        FormKind::Extension {
            at_risk, outage_id, ..
        } => {
            // With a deadline typed: how many it extends, and how many
            // already have a later one (they keep theirs).
            let until = typed_moment(app, form.get("f_until"));
            let (get, keep) = match (&app.outages.at_risk, until) {
                (Some((id, list)), Some(until)) if id == outage_id => {
                    let keep = list
                        .iter()
                        .filter(|l| l.appointment.effective_deadline() >= until)
                        .count();
                    (list.len() - keep, keep)
                }
                _ => (*at_risk, 0),
            };
            for line in wrap(&format!("{get} {}", t(lang, "form_at_risk")), inner_width) {
                lines.push(Line::styled(line, th.warning()));
            }
            if keep > 0 {
                let kept = format!("{keep} {}", t(lang, "form_extension_kept"));
                for line in wrap(&kept, inner_width) {
                    lines.push(Line::styled(line, th.muted()));
                }
            }
            // The first of them, by deadline, as a preview.
            if let Some((id, list)) = &app.outages.at_risk {
                if id == outage_id {
                    for l in list.iter().take(5) {
                        let left = l.appointment.deadline_left(app.now).num_minutes();
                        lines.push(Line::styled(
                            fit(
                                &format!(
                                    "  {:<4} {:>12}  {}",
                                    l.appointment.port_code,
                                    crate::i18n::duration(lang, left),
                                    l.name
                                ),
                                inner_width,
                            ),
                            th.muted(),
                        ));
                    }
                    if list.len() > 5 {
                        lines.push(Line::styled(format!("  … +{}", list.len() - 5), th.muted()));
                    }
                }
            }
        }
        FormKind::Status {
            appointment_id, to, ..
        } => {
            let what = app
                .person
                .as_ref()
                .and_then(|p| p.appointments.iter().find(|a| a.id == *appointment_id))
                .map(|a| {
                    let when = crate::domain::port::by_code(&a.port_code)
                        .map(|p| super::port_day_time(lang, p, a.appointment_at))
                        .unwrap_or_default();
                    format!(
                        "{} {when}: {} → {}",
                        a.port_code,
                        super::appointment_status(lang, a.status),
                        super::appointment_status(lang, *to)
                    )
                })
                .unwrap_or_default();
            // Read whole: which appointment, from what to what.
            for line in wrap(&what, inner_width) {
                lines.push(Line::styled(line, th.header()));
            }
            let question = super::say(app, &Notice::new("form_status_question"));
            for line in wrap(&question, inner_width) {
                lines.push(Line::styled(line, th.warning()));
            }
        }
        FormKind::ResolveOutage { outage_id, .. } => {
            if let Some(o) = app.outages.outages.iter().find(|o| o.id == *outage_id) {
                lines.push(Line::styled(
                    fit(&super::outages::describe(app, o), inner_width),
                    th.header(),
                ));
            }
            let time = super::local_when(lang, app.tz, app.now);
            let question = super::say(
                app,
                &Notice::new("form_outage_resolve_question")
                    .with("time", crate::tui::notice::Arg::Text(time)),
            );
            // The question and its keys must be read whole, even at 40 columns.
            for line in wrap(&question, inner_width) {
                lines.push(Line::styled(line, th.warning()));
            }
        }
        FormKind::Schedule { .. } => {
            if let Some(p) = crate::domain::port::by_code(form.get("f_port")) {
                lines.push(Line::styled(
                    format!(
                        "{} {}",
                        t(lang, "port_time_now"),
                        super::port_time(p, app.now)
                    ),
                    th.muted(),
                ));
            }
            lines.push(Line::styled(t(lang, "appointment_port_time"), th.muted()));
        }
        _ => {}
    }
    // After a conflict: each field they changed, yours and theirs, above
    // the fields (the keys to keep yours or take theirs are at the foot).
    let conflict = form.conflict_rows();
    if !conflict.is_empty() {
        if let Some(err) = &form.error {
            for line in wrap(&super::say(app, err), inner_width) {
                lines.push(Line::styled(line, th.error()));
            }
        }
        let yours = t(lang, "conflict_yours");
        let theirs = t(lang, "conflict_theirs");
        let tag_w = yours.chars().count().max(theirs.chars().count()) + 1;
        let value_w = inner_width.saturating_sub(tag_w + 2);
        let shown = |v: &str| {
            if v.is_empty() {
                "—".to_string()
            } else {
                v.replace('\n', "⏎")
            }
        };
        for (label, mine, other) in &conflict {
            lines.push(Line::styled(fit(t(lang, label), inner_width), th.header()));
            for (tag, v, style) in [(yours, mine, th.text()), (theirs, other, th.warning())] {
                for (j, part) in wrap(&shown(v), value_w.max(8)).into_iter().enumerate() {
                    let tag = if j == 0 { tag } else { "" };
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {tag:<tag_w$}"), th.muted()),
                        Span::styled(part, style),
                    ]));
                }
            }
        }
    }
    let mut caret = None;
    // On a phone every label goes above its field, the field indented.
    let stacked = super::narrow(area);
    let label_w = if stacked { 2 } else { LABEL_WIDTH };
    // The rows of the focused field (label, value, error): always shown.
    let mut focus_rows = (0, 0);
    for (i, field) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let first_row = lines.len();
        let label_style = if focused { th.key() } else { th.muted() };
        let caption = field.caption.as_deref().unwrap_or(t(lang, field.label));
        // A traveller's name that does not fit beside its field goes whole
        // on a line of its own above it: a name must not be cut.
        let label = if stacked {
            for part in wrap(&clean(caption), inner_width) {
                lines.push(Line::styled(part, label_style));
            }
            " ".repeat(label_w)
        } else if field.caption.is_some() && caption.chars().count() > LABEL_WIDTH - 1 {
            lines.push(Line::styled(fit(&clean(caption), inner_width), label_style));
            " ".repeat(LABEL_WIDTH)
        } else {
            format!("{:<LABEL_WIDTH$}", fit(caption, LABEL_WIDTH - 1))
        };
        let room = inner_width.saturating_sub(label_w + 1);
        let value = match &field.input {
            Input::Text(text) => {
                // Keep the caret in view in a long value.
                let skip = text.caret.saturating_sub(room.saturating_sub(1));
                if focused {
                    caret = Some((lines.len(), label_w + text.caret - skip));
                }
                // New lines in notes show as ⏎ on the one line the form has.
                let shown: String = match field.placeholder {
                    Some(key) if text.value.is_empty() => t(lang, key).to_string(),
                    _ => text
                        .value
                        .chars()
                        .skip(skip)
                        .map(|c| if c == '\n' { '⏎' } else { c })
                        .collect(),
                };
                fit(&shown, room)
            }
            Input::Choice { options, index } => {
                let label = options.get(*index).map_or("", |o| match &form.kind {
                    // A program's step: its name in the session's language.
                    FormKind::Step { program, .. } if field.label == "f_case_step" => {
                        crate::programs::in_force()
                            .get(program)
                            .and_then(|p| p.step(o.0).map(|i| p.steps[i].name.get(lang.language())))
                            .unwrap_or(o.1)
                    }
                    _ => t(lang, o.1),
                });
                format!("◀ {label} ▶")
            }
        };
        let style = if focused { th.selected() } else { th.text() };
        lines.push(Line::from(vec![
            Span::styled(label, label_style),
            Span::styled(clean(&value), style),
        ]));
        if let Some(err) = &field.error {
            // Read whole: a hint may be the only list of what is valid.
            let err = super::say(app, err);
            for (j, part) in wrap(&err, room.saturating_sub(2).max(8))
                .into_iter()
                .enumerate()
            {
                let mark = if j == 0 { "⚠ " } else { "  " };
                lines.push(Line::styled(
                    format!("{:label_w$}{mark}{part}", ""),
                    th.error(),
                ));
            }
        }
        if focused {
            focus_rows = (first_row, lines.len());
        }
    }
    if let FormKind::Person { .. } = form.kind {
        // Type-ahead for the nationality: what the text will be read as.
        let typed = form.get("f_nationality");
        if !typed.is_empty() {
            use crate::domain::countries::{read_nationality, NationalityReading};
            let hint = match read_nationality(typed, 4) {
                NationalityReading::Code(code) => format!("{} → {code}", t(lang, "f_nationality")),
                NationalityReading::Candidates(found) => {
                    let names: Vec<String> = found
                        .iter()
                        .map(|(code, es, en)| {
                            let name = if lang == crate::i18n::Lang::Es {
                                es
                            } else {
                                en
                            };
                            format!("{name} ({code})")
                        })
                        .collect();
                    format!("{} → {}", t(lang, "f_nationality"), names.join(", "))
                }
            };
            lines.push(Line::styled(fit(&hint, inner_width), th.muted()));
        }
        lines.push(Line::styled(
            fit(t(lang, "household_hint"), inner_width),
            th.muted(),
        ));
    }
    if let FormKind::Schedule { .. } = form.kind {
        let allocated = crate::domain::dates::parse_when(form.get("f_allocated_at"), app.today())
            .and_then(|(d, tm)| {
                crate::domain::port::from_local_in(
                    app.tz,
                    d.and_time(tm.unwrap_or(chrono::NaiveTime::MIN)),
                )
                .ok()
            });
        if let (Some(at), Some(p)) = (allocated, crate::domain::port::by_code(form.get("f_port"))) {
            let deadline = crate::domain::appointment::confirm_deadline(at);
            let at_port = super::port_day_time(lang, p, deadline);
            // The shelter's time too, when it is another clock.
            let here = deadline.with_timezone(&app.tz);
            use chrono::Offset;
            let same_clock = here.offset().fix() == p.local_time(deadline).offset().fix();
            let text = if same_clock {
                format!("{} {at_port}", t(lang, "deadline_preview"))
            } else {
                format!(
                    "{} {at_port} · {}",
                    t(lang, "deadline_preview"),
                    super::local_when(lang, app.tz, deadline)
                )
            };
            lines.push(Line::styled(fit(&text, inner_width), th.warning()));
        }
    }
    // What stays at the foot of the form whatever its length: the form's
    // own error, the question of a second Esc, and its keys.
    let mut foot: Vec<Line> = Vec::new();
    if let Some(err) = form.error.as_ref().filter(|_| conflict.is_empty()) {
        for line in wrap(&format!("⚠ {}", super::say(app, err)), inner_width) {
            foot.push(Line::styled(line, th.error()));
        }
    }
    if !conflict.is_empty() {
        // Whatever is scrolled into view, the form says it is stale.
        for line in wrap(&format!("⚠ {}", t(lang, "conflict_stale")), inner_width) {
            foot.push(Line::styled(line, th.error()));
        }
    }
    if form.saving {
        foot.push(Line::styled(t(lang, "form_saving"), th.muted()));
    } else if form.confirm_discard {
        for line in wrap(&super::say(app, &Notice::new("form_discard")), inner_width) {
            foot.push(Line::styled(line, th.warning()));
        }
    }
    // The form's keys, each whole (over two lines on a phone).
    let keys: &[Action] = if conflict.is_empty() {
        &[
            Action::FormNext,
            Action::FormSubmit,
            Action::FormSave,
            Action::FormCancel,
        ]
    } else {
        &[
            Action::FormRebase,
            Action::FormTakeTheirs,
            Action::FormCancel,
        ]
    };
    for part in super::key_hint_lines(app, keys, inner_width) {
        foot.push(Line::styled(part, th.muted()));
    }
    let wanted = (lines.len() + foot.len()) as u16 + 2;
    let pane = centered(area, width, wanted);
    let inner_rows = usize::from(pane.height.saturating_sub(2));
    // The foot keeps at least the focused field's rows above it.
    let focus_len = focus_rows.1 - focus_rows.0;
    let foot_len = foot.len().min(inner_rows.saturating_sub(focus_len.max(1)));
    let room = inner_rows - foot_len;
    // Scrolled just enough that the focused field is whole on screen.
    let mut top = focus_rows.1.saturating_sub(room);
    top = top.min(focus_rows.0);
    top = top.min(lines.len().saturating_sub(room));
    let more_above = top > 0;
    let more_below = top + room < lines.len();
    let mut shown: Vec<Line> = lines.into_iter().skip(top).take(room).collect();
    shown.resize(room, Line::default());
    let dropped = foot.len() - foot_len;
    shown.extend(foot.into_iter().skip(dropped));
    clear(frame, pane);
    // A confirmation names its port and the appointment's time there.
    let mut title = t(lang, form.kind.title_key()).to_string();
    if let Some((code, at)) = &form.about {
        if let Some(p) = crate::domain::port::by_code(code) {
            let when = format!("{code} {}", super::port_day_time(lang, p, *at));
            title = [
                format!("{title} · {when}"),
                format!("{} · {when}", t(lang, "form_confirm_short")),
                when,
            ]
            .into_iter()
            .find(|s| s.chars().count() <= inner_width)
            .unwrap_or_default();
        }
    }
    let mut block = Block::new()
        .borders(Borders::ALL)
        .title(Line::styled(fit(&title, inner_width), th.title()));
    if more_above {
        block = block.title_top(Line::styled("▲", th.key()).right_aligned());
    }
    if more_below {
        block = block.title_bottom(Line::styled("▼", th.key()).right_aligned());
    }
    let inner = block.inner(pane);
    frame.render_widget(Paragraph::new(shown).block(block), pane);
    if let Some((row, col)) = caret {
        let x = inner.x + (col as u16).min(inner.width.saturating_sub(1));
        if let Some(row) = row.checked_sub(top).filter(|r| *r < room) {
            frame.set_cursor_position((x, inner.y + row as u16));
        }
    }
}

/// A moment typed in a form (`-1h`, `tomorrow 18:00`) in the shelter's
/// zone, for a preview; `None` while it does not read as one.
fn typed_moment(app: &App, text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    use crate::domain::dates::{parse_moment, Moment};
    match parse_moment(text, app.today())? {
        Moment::Offset(offset) => Some(app.now + offset),
        Moment::Local(local) => crate::domain::port::from_local_in(app.tz, local).ok(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrap_breaks_between_words() {
        assert_eq!(
            super::super::wrap("Enter confirms, Esc keeps it going.", 16),
            ["Enter confirms,", "Esc keeps it", "going."]
        );
        assert!(super::super::wrap("", 10).is_empty());
    }
}
