//! The morning view: who must confirm, who travels tomorrow, what is failing.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Sparkline};
use ratatui::Frame;

use super::{fit, in_view, port_time, selection_marker};
use crate::domain::port;
use crate::i18n::{duration, t};
use crate::tui::app::{App, Panel};
use crate::tui::todo::{ToDo, VenueLine};

/// Deadline within this: urgent.
const URGENT_MINUTES: i64 = 3 * 60;
/// Deadline within this: soon.
const SOON_MINUTES: i64 = 8 * 60;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let th = app.theme;
    let Some(d) = &app.dashboard else {
        super::loading(app, frame, area);
        return;
    };
    let today = app.today();
    let local_day = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&app.tz).date_naive();

    let wait =
        |arrival: Option<chrono::NaiveDate>| arrival.map_or(0, |a| (today - a).num_days().max(0));
    let median = wait(d.median_arrival);
    let longest = wait(d.earliest_arrival);
    let count_on = |from: i64, days: i64| {
        d.upcoming
            .iter()
            .filter(|s| {
                let day = (local_day(s.at) - today).num_days();
                day >= from && day < from + days
            })
            .map(|s| s.count as usize)
            .sum::<usize>()
    };
    // Counted at the last read (each minute: deadlines pass while the
    // screen is open).
    let open_count = d.open_pending;
    let pending_open = app.soonest();

    // On a phone: one column, the counts a coordinator acts on, then the
    // lists one above the other, no charts.
    let phone = super::narrow(area);
    let waiting = format!("{median} / {longest} {}", t(lang, "unit_days"));
    let figures_of = |f: &[(&str, &str, String)]| -> Vec<Fig> {
        f.iter()
            .map(|(long, short, value)| Fig {
                long: t(lang, long).to_string(),
                short: t(lang, short).to_string(),
                value: value.clone(),
            })
            .collect()
    };
    // Other programs' steps due today (overdue ones too), beside the
    // confirmations, when there are any: the count to confirm stays last.
    let steps_due = d.cases.today + d.cases.overdue;
    let with_steps = |mut row: Vec<(&'static str, &'static str, String)>,
                      last: (&'static str, &'static str, String)| {
        if steps_due > 0 {
            row.push(("dash_steps", "dash_steps_short", steps_due.to_string()));
        }
        row.push(last);
        row
    };
    let rows = if phone {
        [
            figures_of(&with_steps(
                vec![("dash_present", "dash_present", d.present.to_string())],
                ("dash_pending", "dash_pending", open_count.to_string()),
            )),
            figures_of(&[
                (
                    "dash_today_short",
                    "dash_today_short",
                    count_on(0, 1).to_string(),
                ),
                ("dash_tomorrow", "dash_tomorrow", count_on(1, 1).to_string()),
                ("dash_week", "dash_week", count_on(0, 7).to_string()),
            ]),
        ]
    } else {
        [
            figures_of(&[
                ("dash_present", "dash_present", d.present.to_string()),
                (
                    "dash_households",
                    "dash_households",
                    d.households.to_string(),
                ),
                ("dash_waiting", "dash_waiting_short", waiting),
            ]),
            figures_of(&with_steps(
                vec![
                    ("dash_today", "dash_today_short", count_on(0, 1).to_string()),
                    ("dash_tomorrow", "dash_tomorrow", count_on(1, 1).to_string()),
                    ("dash_week", "dash_week", count_on(0, 7).to_string()),
                ],
                ("dash_pending", "dash_pending", open_count.to_string()),
            )),
        ]
    };
    let [line1, line2] =
        lay_figures(&rows, area.width as usize, if phone { 2 } else { 3 }).map(|row| {
            row.into_iter()
                .flat_map(|(label, value, gap)| {
                    [
                        Span::styled(label, th.muted()),
                        Span::styled(value, th.header()),
                        Span::raw(gap),
                    ]
                })
                .collect::<Vec<_>>()
        });

    let charts = !th.low_bandwidth && !phone;
    let by_port = app.tomorrow_by_venue();
    let [figures, lists, chart_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(4),
        Constraint::Length(if charts { 9 } else { 0 }),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(vec![Line::from(line1), Line::from(line2)]),
        figures,
    );

    let port_rows = by_port.len().max(1) as u16 + 1;
    let (soonest, tomorrow, beds) = if phone {
        let rows = port_rows.min(4);
        // One line a section (as many as leave the soonest list 3 lines).
        let room = lists.height.saturating_sub(3 + rows) as usize;
        let beds = super::beds::lines(app, d, lists.width as usize, room);
        let [soonest, tomorrow, beds_area] = Layout::vertical([
            Constraint::Min(3),
            Constraint::Length(rows),
            Constraint::Length(beds.len() as u16),
        ])
        .areas(lists);
        (soonest, tomorrow, (beds_area, beds))
    } else {
        let [soonest, right] =
            Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)])
                .areas(lists);
        let room = right.height.saturating_sub(port_rows.min(right.height / 2)) as usize;
        let beds = super::beds::lines(app, d, right.width as usize, room);
        let [tomorrow, beds_area] =
            Layout::vertical([Constraint::Min(2), Constraint::Length(beds.len() as u16)])
                .areas(right);
        (soonest, tomorrow, (beds_area, beds))
    };
    render_lists(app, frame, [soonest, tomorrow], &pending_open, &by_port);
    frame.render_widget(Paragraph::new(beds.1), beds.0);
    if charts {
        render_charts(app, frame, chart_area, d);
    }
}

/// A figure of the dashboard's head: its label, a shorter one, its value.
struct Fig {
    long: String,
    short: String,
    value: String,
}

/// Lays out the head's two lines of figures in `width`: every figure with
/// its label if that fits, the shorter labels if not, and where even those
/// do not fit the least needed figures are left out, never cut: a cut
/// number is a wrong number. Each figure is (label with its space, value, gap).
fn lay_figures(
    rows: &[Vec<Fig>; 2],
    width: usize,
    gap: usize,
) -> [Vec<(String, String, String)>; 2] {
    let line = |row: &[Fig], pick: &dyn Fn(&Fig) -> String| -> Vec<(String, String, String)> {
        row.iter()
            .map(|f| {
                let label = pick(f);
                let label = if label.is_empty() {
                    label
                } else {
                    format!("{label} ")
                };
                (label, f.value.clone(), " ".repeat(gap))
            })
            .collect()
    };
    let len = |l: &[(String, String, String)]| -> usize {
        let all: usize = l
            .iter()
            .map(|(a, b, c)| a.chars().count() + b.chars().count() + c.chars().count())
            .sum();
        all.saturating_sub(gap)
    };
    let fit_row = |row: &[Fig]| {
        let long = line(row, &|f| f.long.clone());
        if len(&long) <= width {
            return long;
        }
        let short = line(row, &|f| f.short.clone());
        if len(&short) <= width {
            return short;
        }
        // Still too wide: the figures a coordinator acts on least go
        // whole (each row lists them most needed first, but the count to
        // confirm, last in its row, stays).
        let mut out = short;
        while len(&out) > width && out.len() > 1 {
            out.remove(out.len() - 2);
        }
        out
    };
    [fit_row(&rows[0]), fit_row(&rows[1])]
}

/// "Confirm soonest" and "Tomorrow by port", the selection in the focused one.
fn render_lists(
    app: &App,
    frame: &mut Frame,
    [soonest, tomorrow]: [Rect; 2],
    pending_open: &[ToDo<'_>],
    by_port: &[VenueLine],
) {
    let lang = app.lang;
    let th = app.theme;

    // Confirmations due soonest; the selection in the focused list.
    let rows = soonest.height.saturating_sub(1) as usize;
    // Marker, time left, port and a space before the next list: the rest
    // is the name's.
    let name_w = (soonest.width as usize).saturating_sub(18);
    let focus = |panel: Panel, pos: &crate::tui::list::ListPos, i: usize| {
        app.dash.panel == panel && pos.selected == i
    };
    let marker = |selected: bool| selection_marker(app, selected);
    // The selected line is restyled, or marked on a low-bandwidth link.
    let styled = |line: Line<'static>, selected: bool| {
        if selected && !th.low_bandwidth {
            line.style(th.selected())
        } else {
            line
        }
    };
    let mut lines = vec![Line::styled(t(lang, "dash_due_soonest"), th.title())];
    let pos = &app.dash.soonest;
    for (i, l) in pending_open
        .iter()
        .enumerate()
        .skip(in_view(pos, rows))
        .take(rows)
    {
        let selected = focus(Panel::Soonest, pos, i);
        let left = (l.deadline() - app.now).num_minutes();
        let style = if left < URGENT_MINUTES {
            th.urgent()
        } else if left < SOON_MINUTES {
            th.warning()
        } else {
            th.text()
        };
        let style = th.on_selection(style, selected);
        let left = if left <= 0 {
            t(lang, "cases_overdue").to_string()
        } else {
            duration(lang, left)
        };
        let what = match l {
            ToDo::Confirm(l) => vec![
                Span::raw(format!("{:<4}", l.appointment.port_code)),
                Span::raw(fit(&l.name, name_w)),
            ],
            // The step (its name in the session's language), then whose.
            ToDo::Step(c) => vec![Span::raw(fit(
                &format!("{} · {}", step_name(app, c), c.who),
                name_w + 4,
            ))],
        };
        let mut spans = vec![Span::styled(
            format!("{}{left:>11} ", marker(selected)),
            style,
        )];
        spans.extend(what);
        lines.push(styled(Line::from(spans), selected));
    }
    if pending_open.is_empty() {
        lines.push(Line::styled(t(lang, "dash_none_pending"), th.muted()));
    }
    frame.render_widget(Paragraph::new(lines), soonest);

    // Tomorrow's departures by port.
    let mut lines = vec![Line::styled(t(lang, "dash_tomorrow_by_venue"), th.title())];
    let pos = &app.dash.tomorrow;
    let rows = tomorrow.height.saturating_sub(1) as usize;
    for (i, pd) in by_port
        .iter()
        .enumerate()
        .skip(in_view(pos, rows))
        .take(rows)
    {
        let selected = focus(Panel::Tomorrow, pos, i);
        let line = match pd.port {
            Some(p) => {
                let p = &port::all()[p];
                Line::from(vec![
                    Span::raw(format!("{}{:<4}", marker(selected), p.code)),
                    Span::styled(format!("{:>4} ", pd.count), th.header()),
                    Span::styled(
                        format!("{} {}", t(lang, "from_time"), port_time(p, pd.first)),
                        th.muted(),
                    ),
                ])
            }
            // Another program's venue: its code, how many, the program.
            None => {
                let program = pd.program.as_deref().unwrap_or_default();
                let name = crate::programs::in_force()
                    .get(program)
                    .map_or(program, |p| p.name.get(app.lang.language()));
                Line::from(vec![
                    Span::raw(format!("{}{}", marker(selected), pd.code)),
                    Span::styled(format!(" {} ", pd.count), th.header()),
                    Span::styled(fit(name, tomorrow.width as usize), th.muted()),
                ])
            }
        };
        lines.push(styled(line, selected));
    }
    if by_port.is_empty() {
        lines.push(Line::styled(t(lang, "dash_none_tomorrow"), th.muted()));
    }
    frame.render_widget(Paragraph::new(lines), tomorrow);
}

/// The name of a case's next step in the session's language.
fn step_name(app: &App, line: &crate::store::CaseLine) -> String {
    let program = crate::programs::in_force().get(&line.case.program);
    match (line.next, program) {
        (Some(due), Some(p)) => {
            let mut name = p.steps[due.step].name.get(app.lang.language()).to_string();
            if due.missed > 0 {
                name.push_str(&format!(" (×{})", due.missed));
            }
            name
        }
        _ => line.case.program.clone(),
    }
}

/// Appointments per port over 14 days, and arrivals per day.
fn render_charts(app: &App, frame: &mut Frame, chart_area: Rect, d: &crate::store::DashboardData) {
    let lang = app.lang;
    let th = app.theme;
    let today = app.today();
    let local_day = |at: chrono::DateTime<chrono::Utc>| at.with_timezone(&app.tz).date_naive();
    let [bars_area, spark_area] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(chart_area);
    let mut per_port = vec![0usize; port::all().len()];
    for s in &d.upcoming {
        let days = (local_day(s.at) - today).num_days();
        if let (true, Some(n)) = (
            (0..14).contains(&days),
            per_port.get_mut(usize::from(s.port)),
        ) {
            *n += s.count as usize;
        }
    }
    // Bars drawn as text: one line a port, scaled to the widest.
    let most = per_port.iter().copied().max().unwrap_or(0).max(1);
    let bar_room = (bars_area.width as usize).saturating_sub(11).max(1);
    let mut lines = vec![Line::styled(
        fit(
            t(lang, "dash_chart_ports"),
            bars_area.width.saturating_sub(1) as usize,
        ),
        th.title(),
    )];
    for (p, &n) in port::all().iter().zip(&per_port) {
        let len = (n * bar_room).div_ceil(most);
        lines.push(Line::from(vec![
            Span::raw(format!("{:<4}", p.code)),
            Span::styled("█".repeat(len), th.chart()),
            Span::styled(format!(" {n}"), th.muted()),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), bars_area);

    // The most recent days that fit, today at the right edge.
    let shown = (spark_area.width as usize).min(d.arrivals_per_day.len());
    let data = &d.arrivals_per_day[d.arrivals_per_day.len() - shown..];
    let spark = Sparkline::default()
        .block(Block::new().title(Line::styled(
            fit(t(lang, "dash_chart_arrivals"), spark_area.width as usize),
            th.title(),
        )))
        .data(data)
        .style(th.chart());
    frame.render_widget(spark, spark_area);
}
