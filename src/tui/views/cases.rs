//! The cases screen: each open case of the programs kept as files with its
//! next step due, soonest first: how long is left (OVERDUE once passed),
//! the deadline in the venue's time, the step, whose, where.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{compact, fit};
use crate::i18n::{self, t, Lang};
use crate::tui::app::App;
use crate::tui::message::CaseLine;

/// From this width each line names the program and the venue too.
const WIDE: usize = 112;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let th = app.theme;
    let c = &app.cases;
    if !c.loaded {
        super::loading(app, frame, area);
        return;
    }
    let width = area.width as usize;
    let title = format!(
        "{} · {} {}",
        t(lang, "screen_cases"),
        c.lines.len(),
        t(lang, "cases_open")
    );
    let mut lines = vec![Line::styled(fit(&title, width), th.title())];
    if c.lines.is_empty() {
        lines.push(Line::styled(fit(t(lang, "cases_none"), width), th.muted()));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let rows = (area.height as usize).saturating_sub(1).max(1);
    let first = c.list.selected.saturating_sub(rows - 1);
    let shown: Vec<(usize, &CaseLine, Described)> = c
        .lines
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, l)| (i, l, describe(app, l)))
        .collect();
    // Columns as wide as what they hold on screen (Spanish days are longer).
    let left_w = shown
        .iter()
        .map(|s| s.2 .0.chars().count())
        .max()
        .unwrap_or(0);
    let when_w = shown
        .iter()
        .map(|s| s.2 .1.chars().count())
        .max()
        .unwrap_or(0);
    for (i, line, (left, when, step, overdue)) in shown {
        let selected = i == c.list.selected;
        let marker = super::selection_marker(app, selected);
        let text = if compact(area) {
            format!("{marker}{left:>left_w$} {step} · {}", line.who)
        } else if width < WIDE {
            format!(
                "{marker}{left:>left_w$}  {when:<when_w$} {:<23} {}",
                fit(&step, 23),
                line.who
            )
        } else {
            format!(
                "{marker}{left:>left_w$}  {when:<when_w$} {:<10} {:<24} {:<24} {}",
                line.case.program,
                fit(&step, 24),
                fit(&line.who, 24),
                line.case.venue
            )
        };
        let style = if overdue { th.urgent() } else { th.text() };
        lines.push(Line::from(Span::styled(
            fit(&text, width),
            th.on_selection(style, selected),
        )));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// (time left, deadline in the venue's time, step, overdue) of a line.
type Described = (String, String, String, bool);

/// A line's [`Described`].
fn describe(app: &App, line: &CaseLine) -> Described {
    let lang = app.lang;
    let programs = crate::programs::in_force();
    let program = programs.get(&line.case.program);
    let (Some(due), Some(p)) = (line.next, program) else {
        return (
            "—".into(),
            String::new(),
            t(lang, "cases_nothing_due").into(),
            false,
        );
    };
    let tz = p.venue(&line.case.venue).map_or(app.tz, |v| v.tz);
    let left = (due.deadline - app.now).num_minutes();
    let overdue = left <= 0;
    let left_text = if overdue {
        t(lang, "cases_overdue").to_string()
    } else {
        i18n::duration(lang, left)
    };
    let name = p.steps[due.step].name.get(lang.language());
    let mut step = name.to_string();
    if due.missed > 0 {
        step.push_str(&format!(" (×{})", due.missed));
    }
    (left_text, deadline(lang, due.deadline, tz), step, overdue)
}

/// A deadline in `tz`: the day and time, or the day before's "end of day"
/// for a midnight one.
fn deadline(lang: Lang, at: DateTime<Utc>, tz: Tz) -> String {
    let local = at.with_timezone(&tz);
    let zone = local.format("%Z");
    if local.format("%H:%M").to_string() == "00:00" {
        let day = local.date_naive().pred_opt().unwrap_or(local.date_naive());
        format!(
            "{} {} {zone}",
            i18n::day(lang, day),
            t(lang, "cases_end_of_day")
        )
    } else {
        format!(
            "{} {}",
            i18n::day(lang, local.date_naive()),
            local.format("%H:%M %Z")
        )
    }
}
