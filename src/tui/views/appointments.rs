//! Appointments of one day (the shelter's), with local port times.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::{appointment_status, fit, port_time, selection_marker};
use crate::domain::{port, AppointmentStatus};
use crate::i18n::{day, duration, t};
use crate::tui::app::{App, AppointmentFilter};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let th = app.theme;
    let a = &app.appointments;
    let [info, table_area] = super::info_over_table(area);
    let shown_day = a.day.unwrap_or_else(|| app.today());
    let listed = a.listed();
    // Everyone at risk is listed across days: each line says its day.
    let every_day = a.filter == AppointmentFilter::AtRisk;
    let title = if every_day {
        t(lang, "at_risk_every_day").to_string()
    } else {
        format!("◀ {} ▶", day(lang, shown_day))
    };
    frame.render_widget(
        Line::from(vec![
            Span::styled(title, th.title()),
            Span::raw(if super::narrow(area) {
                format!(" {}", listed.len())
            } else {
                format!("   {} {}", listed.len(), t(lang, "appointments_count"))
            }),
            Span::styled(
                if super::narrow(area) {
                    format!(" · {}", t(lang, a.filter.label_key()))
                } else {
                    format!(
                        "   {}: {}",
                        t(lang, "filter"),
                        t(lang, a.filter.label_key())
                    )
                },
                th.muted(),
            ),
        ]),
        info,
    );
    let page = table_area.height.saturating_sub(1) as usize;
    // On a phone: the time without its zone (the header names it), and
    // one last column: time left to confirm, else the status.
    let phone = super::compact(area);
    let time_w: u16 = match (every_day, phone) {
        (true, true) => 8,
        (true, false) => 16,
        (false, true) => 5,
        (false, false) => 10,
    };
    let name_w = if phone {
        (table_area.width as usize).saturating_sub(1 + time_w as usize + 3 + 11 + 4)
    } else {
        (table_area.width as usize).saturating_sub(1 + time_w as usize + 4 + 11 + 14 + 6)
    }
    .max(8);
    let rows: Vec<Row> = listed
        .iter()
        .enumerate()
        .skip(super::in_view(&a.list, page))
        .take(page)
        .map(|(pos, l)| {
            let ap = &l.appointment;
            let selected = pos == a.list.selected;
            let time = port::by_code(&ap.port_code)
                .map(|p| match (every_day, phone) {
                    // Across days each line says its day: "22 May 09:30 PDT",
                    // on a phone "22 09:30" (the port's day of the month).
                    (true, false) => super::port_day_time(lang, p, ap.appointment_at),
                    (true, true) => p
                        .local_time(ap.appointment_at)
                        .format("%d %H:%M")
                        .to_string(),
                    (false, _) => port_time(p, ap.appointment_at),
                })
                .unwrap_or_default();
            let at_risk = every_day || a.at_risk.contains(&ap.id);
            let (left, style) = if ap.status == AppointmentStatus::PendingConfirmation {
                let m = ap.deadline_left(app.now).num_minutes();
                let style = if at_risk || m < 180 {
                    th.urgent()
                } else {
                    th.warning()
                };
                let text = if m > 0 {
                    duration(lang, m)
                } else {
                    t(lang, "deadline_passed").to_string()
                };
                (text, th.on_selection(style, selected))
            } else {
                (String::new(), th.text())
            };
            let risk = if at_risk { "⚠" } else { "" };
            let row_style = if selected && !th.low_bandwidth {
                th.selected()
            } else {
                th.text()
            };
            if phone {
                let last = if left.is_empty() {
                    Span::raw(fit(appointment_status(lang, ap.status), 11))
                } else {
                    Span::styled(format!("{risk}{left}"), style)
                };
                return Row::new(vec![
                    Cell::from(selection_marker(app, selected)),
                    Cell::from(if every_day {
                        time.clone()
                    } else {
                        time.split(' ').next().unwrap_or("").to_string()
                    }),
                    Cell::from(ap.port_code.clone()),
                    Cell::from(fit(&l.name, name_w)),
                    Cell::from(Line::from(last)),
                ])
                .style(row_style);
            }
            Row::new(vec![
                Cell::from(selection_marker(app, selected)),
                Cell::from(time),
                Cell::from(ap.port_code.clone()),
                Cell::from(fit(&l.name, name_w)),
                Cell::from(fit(appointment_status(lang, ap.status), 11)),
                Cell::from(Line::from(vec![Span::styled(
                    format!("{risk}{left}"),
                    style,
                )])),
            ])
            .style(row_style)
        })
        .collect();
    let table = if phone {
        let header = Row::new(vec![
            Cell::from(""),
            Cell::from(fit(t(lang, "col_time"), time_w as usize)),
            Cell::from(""),
            Cell::from(t(lang, "col_name")),
            Cell::from(fit(t(lang, "col_deadline"), 11)),
        ])
        .style(th.header());
        Table::new(
            rows,
            [
                Constraint::Length(1),
                Constraint::Length(time_w),
                Constraint::Length(3),
                Constraint::Min(8),
                Constraint::Length(11),
            ],
        )
        .header(header)
    } else {
        let header = Row::new(vec![
            Cell::from(""),
            Cell::from(t(lang, "col_time")),
            Cell::from(t(lang, "col_port")),
            Cell::from(t(lang, "col_name")),
            Cell::from(t(lang, "col_status")),
            Cell::from(t(lang, "col_deadline")),
        ])
        .style(th.header());
        Table::new(
            rows,
            [
                Constraint::Length(1),
                Constraint::Length(time_w),
                Constraint::Length(4),
                Constraint::Min(8),
                Constraint::Length(11),
                Constraint::Length(14),
            ],
        )
        .header(header)
    }
    .column_spacing(1);
    frame.render_widget(table, table_area);
    if listed.is_empty() {
        let msg = Rect::new(
            table_area.x + 2,
            table_area.y + 2,
            table_area.width.saturating_sub(4),
            1,
        );
        frame.render_widget(Paragraph::new(t(lang, "none")).style(th.muted()), msg);
    }
}
