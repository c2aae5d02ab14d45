//! CBP One outages, active first, and what each puts at risk.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{clean, fit, local_when, ports_label, step_label};
use crate::domain::port;
use crate::i18n::{duration, t};
use crate::tui::app::App;

/// Another program's failing service, named before what fails (CBP One's
/// is every outage's of old: not repeated on each line).
fn service_prefix(out: &crate::domain::Outage) -> String {
    if out.is_cbp_one() {
        String::new()
    } else {
        format!("{} · ", super::service_label(out))
    }
}

/// One line for an outage: since when, which step, which ports, who said.
pub fn describe(app: &App, out: &crate::domain::Outage) -> String {
    format!(
        "{} · {}{} · {} · {}",
        local_when(app.lang, app.tz, out.started_at),
        service_prefix(out),
        step_label(app.lang, out),
        ports_label(app.lang, &out.ports),
        clean(&out.source)
    )
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let th = app.theme;
    let o = &app.outages;
    if !o.loaded {
        frame.render_widget(Paragraph::new(t(lang, "loading")).style(th.muted()), area);
        return;
    }
    if o.outages.is_empty() {
        frame.render_widget(
            Paragraph::new(t(lang, "no_outages")).style(th.muted()),
            area,
        );
        return;
    }
    let list_h = (o.outages.len() as u16 + 1).min(area.height / 3).max(2);
    let [list_area, detail_area] =
        Layout::vertical([Constraint::Length(list_h), Constraint::Min(1)]).areas(area);

    let mut lines = vec![Line::styled(t(lang, "screen_outages"), th.title())];
    let first = o
        .list
        .selected
        .saturating_sub(list_h.saturating_sub(2) as usize);
    for (i, out) in o
        .outages
        .iter()
        .enumerate()
        .skip(first)
        .take(list_h as usize - 1)
    {
        let active = out.is_active(app.now);
        let state = if active {
            t(lang, "active")
        } else {
            t(lang, "closed")
        };
        let marker = if i == o.list.selected { "›" } else { " " };
        let text = format!(
            "{marker} {:<9} {} · {}{} · {}",
            state,
            local_when(lang, app.tz, out.started_at),
            service_prefix(out),
            step_label(lang, out),
            ports_label(lang, &out.ports)
        );
        let style = match (i == o.list.selected && !th.low_bandwidth, active) {
            (true, _) => th.selected(),
            (false, true) => th.urgent(),
            (false, false) => th.text(),
        };
        lines.push(Line::styled(fit(&text, area.width as usize), style));
    }
    frame.render_widget(Paragraph::new(lines), list_area);

    let Some(out) = o.selected() else {
        return;
    };
    // Each detail beside its label; on a phone the label is narrower and a
    // long value goes on over the next lines.
    let phone = super::compact(area);
    let label_w = if phone { 10 } else { 14 };
    let value_w = (detail_area.width as usize).saturating_sub(label_w).max(8);
    let mut lines: Vec<Line> = Vec::new();
    let mut detail = |k: &str, value: String, style: ratatui::style::Style| {
        let parts = if phone {
            super::wrap(&value, value_w)
        } else {
            vec![value]
        };
        for (i, part) in parts.into_iter().enumerate() {
            let head = if i == 0 { t(lang, k) } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("{:<label_w$}", fit(head, label_w - 1)), th.muted()),
                Span::styled(part, style),
            ]));
        }
    };
    let end = out
        .ended_at
        .map(|e| local_when(lang, app.tz, e))
        .unwrap_or_else(|| t(lang, "ongoing").to_string());
    detail(
        "window",
        format!("{} → {end}", local_when(lang, app.tz, out.started_at)),
        th.text(),
    );
    detail("f_service", super::service_label(out), th.text());
    detail("step", step_label(lang, out).to_string(), th.text());
    detail("ports", ports_label(lang, &out.ports), th.text());
    detail("source", clean(&out.source), th.text());
    if !out.note.is_empty() {
        detail("notes", clean(&out.note), th.text());
    }
    if let Some(ext) = out.extension_until {
        detail("extension", local_when(lang, app.tz, ext), th.ok());
    }
    match &o.at_risk {
        Some((id, at_risk)) if *id == out.id => {
            lines.push(Line::styled(
                format!("{} {}", at_risk.len(), t(lang, "banner_at_risk")),
                if at_risk.is_empty() {
                    th.ok()
                } else {
                    th.urgent()
                },
            ));
            let room = detail_area.height.saturating_sub(lines.len() as u16) as usize;
            for l in at_risk.iter().take(room) {
                let a = &l.appointment;
                let left = a.deadline_left(app.now).num_minutes();
                let when = port::by_code(&a.port_code)
                    .map(|p| super::port_day_time(lang, p, a.appointment_at))
                    .unwrap_or_default();
                let due = if left > 0 {
                    duration(lang, left)
                } else {
                    t(lang, "deadline_passed").to_string()
                };
                // On a phone: time left, port and name, as on the dashboard.
                let text = if phone {
                    format!("{due:>11} {:<4}{}", a.port_code, l.name)
                } else {
                    format!("  {:<4} {:<18} {:>12}  {}", a.port_code, when, due, l.name)
                };
                lines.push(Line::raw(fit(&text, detail_area.width as usize)));
            }
        }
        _ => lines.push(Line::styled(t(lang, "loading"), th.muted())),
    }
    frame.render_widget(Paragraph::new(lines), detail_area);
}
