//! The roster: a table over every person, drawn from the visible rows only.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::{centered, clear, fit, person_status, port_day_time, selection_marker};
use crate::domain::port;
use crate::i18n::t;
use crate::tui::app::App;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let th = app.theme;
    let r = &app.roster;
    let [info, table_area] = super::info_over_table(area);

    // Search, counts, sort and filters on one line.
    let mut spans = Vec::new();
    if r.searching || !r.query.is_empty() {
        spans.push(Span::styled(format!("{} ", t(lang, "search")), th.key()));
        spans.push(Span::styled(super::clean(&r.query), th.header()));
        if r.searching {
            spans.push(Span::styled("▏", th.key()));
        }
        spans.push(Span::raw("  "));
    }
    let counts = if let (true, Some(c)) = (r.loaded, r.count) {
        let more = if r.count_exact() { "" } else { "+" };
        let listed = if r.end_seen { r.len() as u64 } else { c.listed };
        format!("{listed}{more} / {}", c.everyone)
    } else {
        t(lang, "loading").to_string()
    };
    spans.push(Span::raw(counts));
    spans.push(Span::styled(
        format!(
            "  {} {}",
            t(lang, "sorted_by"),
            t(lang, r.sort.column_key())
        ),
        th.muted(),
    ));
    let mut filters = Vec::new();
    if let Some(s) = r.filter.status {
        filters.push(person_status(lang, s).to_string());
    }
    if let Some(p) = r.filter.port.and_then(|i| port::all().get(usize::from(i))) {
        filters.push(p.code.clone());
    }
    if let Some(n) = &r.filter.nationality {
        filters.push(n.clone());
    }
    if let Some(s) = r
        .filter
        .shelter
        .and_then(|id| r.shelters.iter().find(|s| s.id == id))
    {
        filters.push(super::clean(&s.name));
    }
    if r.filter.at_risk {
        filters.push(t(lang, "filter_at_risk").to_string());
    }
    if !filters.is_empty() {
        spans.push(Span::styled(
            format!("  {}: {}", t(lang, "filtered"), filters.join(", ")),
            th.warning(),
        ));
    }
    frame.render_widget(Line::from(spans), info);
    if r.searching {
        let x = info.x + (t(lang, "search").chars().count() + 1 + r.query.chars().count()) as u16;
        frame.set_cursor_position((x.min(info.right().saturating_sub(1)), info.y));
    }

    let page = table_area.height.saturating_sub(1) as usize;
    // The rows on screen, their names with the birth year where two of
    // them share a name (which of the two is which must be seen).
    let first = super::in_view(&r.list, page);
    let shown: Vec<(usize, &crate::store::RosterRow)> = (first..first + page)
        .map_while(|pos| r.row(pos).map(|row| (pos, row)))
        .collect();
    let names: Vec<String> = shown
        .iter()
        .map(|(_, row)| {
            let twins = shown.iter().filter(|(_, o)| o.folded == row.folded).count();
            match row.birth_year {
                Some(year) if twins > 1 => format!("{} ({year})", row.name),
                _ => row.name.clone(),
            }
        })
        .collect();
    if super::narrow(area) {
        phone_table(app, frame, table_area, &shown, &names);
    } else {
        wide_table(app, frame, table_area, &shown, &names);
    }
    if r.loaded && r.is_empty() {
        let msg = Rect::new(
            table_area.x + 2,
            table_area.y + 2,
            table_area.width.saturating_sub(4),
            1,
        );
        frame.render_widget(Paragraph::new(t(lang, "no_match")).style(th.muted()), msg);
    }

    if let Some(focus) = r.filter_focus {
        filter_pane(app, frame, table_area, focus);
    }
}

/// How long until `at`, in one short word: `40 min`, `5 h`, `16 d`
/// (nothing once it is past).
fn until(app: &App, at: chrono::DateTime<chrono::Utc>) -> String {
    let m = (at - app.now).num_minutes();
    match m {
        ..0 => String::new(),
        0..60 => format!("{m} min"),
        60..2880 => format!("{} h", m / 60),
        _ => format!("{} {}", m / 1440, t(app.lang, "unit_days")),
    }
}

/// A phone's roster: the name, and one short column: when the next
/// appointment is for someone present, else where they went (someone who
/// left has no appointment ahead: leaving settles them).
fn phone_table(
    app: &App,
    frame: &mut Frame,
    table_area: Rect,
    shown: &[(usize, &crate::store::RosterRow)],
    names: &[String],
) {
    // The last column holds a status whole ("transferred").
    let last_w = status_width(app.lang).max(10) as u16;
    let lang = app.lang;
    let th = app.theme;
    let r = &app.roster;
    let name_w = (table_area.width.saturating_sub(1 + last_w + 2) as usize).max(8);
    let rows: Vec<Row> = shown
        .iter()
        .zip(names)
        .map(|(&(pos, row), name)| {
            let selected = pos == r.list.selected;
            let last = if row.status == crate::domain::PersonStatus::Present {
                let next = row
                    .next
                    .and_then(|n| port::all().get(usize::from(n.port)).map(|p| (p, n)))
                    .filter(|(_, n)| n.at > app.now)
                    .map(|(p, n)| format!("{} {}", p.code, until(app, n.at)))
                    .unwrap_or_default();
                Cell::from(next)
            } else {
                Cell::from(Span::styled(
                    fit(person_status(lang, row.status), last_w as usize),
                    th.muted(),
                ))
            };
            let style = if selected && !th.low_bandwidth {
                th.selected()
            } else {
                th.text()
            };
            Row::new(vec![
                Cell::from(selection_marker(app, selected)),
                Cell::from(fit(name, name_w)),
                last,
            ])
            .style(style)
        })
        .collect();
    let header = Row::new(vec![
        Cell::from(""),
        Cell::from(t(lang, "col_name")),
        Cell::from(fit(t(lang, "col_next"), last_w as usize)),
    ])
    .style(th.header());
    let widths = [
        Constraint::Length(1),
        Constraint::Min(8),
        Constraint::Length(last_w),
    ];
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        table_area,
    );
}

/// The width of the longest status word in `lang`.
fn status_width(lang: crate::i18n::Lang) -> usize {
    crate::domain::PersonStatus::ALL
        .iter()
        .map(|&s| person_status(lang, s).chars().count())
        .max()
        .unwrap_or(10)
}

/// The roster's full table.
fn wide_table(
    app: &App,
    frame: &mut Frame,
    table_area: Rect,
    shown: &[(usize, &crate::store::RosterRow)],
    names: &[String],
) {
    let lang = app.lang;
    let th = app.theme;
    let r = &app.roster;
    let today = app.today();
    // Names are cut last: the household column (the family name again)
    // narrows, then goes; then the days waiting, the nationality, and the
    // appointment's time, before a name on screen is cut.
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    let width = table_area.width as usize;
    let (mut days, mut nat, mut appt_w) = (true, true, 20usize);
    // The status column holds its longest word whole ("transferred").
    let status_w = status_width(lang);
    let room = |days: bool, nat: bool, appt_w: usize| {
        // Marker, status, the optional columns, a space after each column.
        let columns = 3 + usize::from(days) + usize::from(nat) + 1;
        width.saturating_sub(
            1 + status_w + appt_w + usize::from(nat) * 3 + usize::from(days) * 5 + columns - 1,
        )
    };
    if room(days, nat, appt_w) < longest {
        days = false;
    }
    if room(days, nat, appt_w) < longest {
        nat = false;
    }
    if room(days, nat, appt_w) < longest {
        appt_w = 10;
    }
    let room = room(days, nat, appt_w);
    let household_w = room.saturating_sub(longest + 1).min(12);
    let household_w: u16 = if household_w >= 6 {
        household_w as u16
    } else {
        0
    };
    let wide = household_w > 0;
    let name_w = room
        .saturating_sub(if wide { household_w as usize + 1 } else { 0 })
        .max(8);
    let keep = |cells: &mut Vec<Cell<'static>>| {
        // Dropped columns, from the right so the indices hold.
        if !days {
            cells.remove(4);
        }
        if !nat {
            cells.remove(3);
        }
        if !wide {
            cells.remove(2);
        }
    };
    let rows: Vec<Row> = shown
        .iter()
        .zip(names)
        .map(|(&(pos, row), name)| {
            let selected = pos == r.list.selected;
            let next = row
                .next
                .and_then(|n| port::all().get(usize::from(n.port)).map(|p| (p, n)))
                .map(|(p, n)| {
                    let when = port_day_time(lang, p, n.at);
                    // A past one says what became of it, after its day
                    // (where the column has room); short: the day alone.
                    if n.at <= app.now && appt_w >= 20 {
                        let day = when.split(' ').take(2).collect::<Vec<_>>().join(" ");
                        let status = super::appointment_status(lang, n.status);
                        return format!("{} {day} {status}", p.code);
                    }
                    let when = if appt_w < 20 {
                        when.split(' ').take(2).collect::<Vec<_>>().join(" ")
                    } else {
                        when
                    };
                    format!("{} {when}", p.code)
                })
                .unwrap_or_default();
            let mut cells = vec![
                Cell::from(selection_marker(app, selected)),
                Cell::from(fit(name, name_w)),
                Cell::from(fit(&row.household, household_w as usize)),
                Cell::from(row.nationality.clone()),
                Cell::from(format!("{:>5}", row.days_waiting(today))),
                Cell::from(fit(&next, appt_w)),
                Cell::from(fit(person_status(lang, row.status), status_w)),
            ];
            keep(&mut cells);
            let style = if selected && !th.low_bandwidth {
                th.selected()
            } else {
                th.text()
            };
            Row::new(cells).style(style)
        })
        .collect();
    let mut header = vec![
        Cell::from(""),
        Cell::from(t(lang, "col_name")),
        Cell::from(fit(t(lang, "col_household"), household_w as usize)),
        Cell::from(t(lang, "col_nat")),
        Cell::from(format!("{:>5}", t(lang, "col_days"))),
        Cell::from(fit(t(lang, "col_appointment"), appt_w)),
        Cell::from(t(lang, "col_status")),
    ];
    keep(&mut header);
    let mut widths = vec![
        Constraint::Length(1),
        Constraint::Min(8),
        Constraint::Length(household_w),
        Constraint::Length(3),
        Constraint::Length(5),
        Constraint::Length(appt_w as u16),
        Constraint::Length(status_w as u16),
    ];
    if !days {
        widths.remove(4);
    }
    if !nat {
        widths.remove(3);
    }
    if !wide {
        widths.remove(2);
    }
    let header = Row::new(header).style(th.header());
    let table = Table::new(rows, widths).header(header).column_spacing(1);
    frame.render_widget(table, table_area);
}

fn filter_pane(app: &App, frame: &mut Frame, area: Rect, focus: usize) {
    let lang = app.lang;
    let th = app.theme;
    let all = t(lang, "filter_all").to_string();
    let f = &app.roster.filter;
    let values = [
        (
            t(lang, "col_status"),
            f.status
                .map(|s| person_status(lang, s).to_string())
                .unwrap_or(all.clone()),
        ),
        (
            t(lang, "port"),
            f.port
                .and_then(|i| port::all().get(usize::from(i)))
                .map(|p| format!("{} {}", p.code, p.name))
                .unwrap_or(all.clone()),
        ),
        (
            t(lang, "col_nationality"),
            f.nationality.clone().unwrap_or(all.clone()),
        ),
        (
            t(lang, "shelter"),
            f.shelter
                .and_then(|id| app.roster.shelters.iter().find(|s| s.id == id))
                .map(|s| super::fit(&s.name, 26))
                .unwrap_or(all.clone()),
        ),
        (
            t(lang, "filter_at_risk"),
            if f.at_risk {
                t(lang, "filter_at_risk").to_string()
            } else {
                all
            },
        ),
    ];
    let lines: Vec<Line> = values
        .iter()
        .enumerate()
        .map(|(i, (label, value))| {
            let style = if i == focus { th.selected() } else { th.text() };
            Line::from(vec![
                Span::styled(
                    format!("{}{label:<14}", if i == focus { "›" } else { " " }),
                    style,
                ),
                Span::styled(format!("◀ {value} ▶"), style),
            ])
        })
        .collect();
    let pane = centered(area, 46, values.len() as u16 + 2);
    clear(frame, pane);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::new()
                .borders(Borders::ALL)
                .title(Line::styled(t(lang, "filters"), th.title())),
        ),
        pane,
    );
}
