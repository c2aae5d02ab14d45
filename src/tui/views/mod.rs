//! Drawing: one file per screen. Views read the app state and draw; they
//! decide nothing and never touch the database.

mod appointments;
mod beds;
mod cases;
mod dashboard;
mod form;
mod headcount;
mod help;
mod message;
mod outages;
mod person;
mod roster;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::app::{App, Screen};
use super::keys::Action;
use super::notice::{Arg, Notice};
use crate::domain::{AppointmentStatus, Outage, PersonStatus, Port, Ports};
use crate::i18n::{self, t, Lang};

/// The smallest terminal albergue lays out for.
pub const MIN_SIZE: (u16, u16) = (40, 16);

/// Narrower than this, screens take their one-column phone layout.
pub const NARROW: u16 = 60;

/// Draws the whole screen.
pub fn render(app: &App, frame: &mut Frame) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        too_small(app, frame, area);
        return;
    }
    // A notice too long for one line takes two (on a phone).
    // The notice is put into words once a frame.
    let notice = app.status.as_ref().map(|s| (say(app, &s.notice), s.error));
    // A notice is read whole (a command to copy must not lose its end):
    // up to three lines.
    let status_rows = match &notice {
        Some((text, _)) => wrap(text, area.width as usize).len().clamp(1, 3) as u16,
        None => 1,
    };
    let [bar, banner, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(status_rows),
        Constraint::Length(1),
    ])
    .areas(area);
    app_bar(app, frame, bar);
    outage_banner(app, frame, banner);
    let unavailable = app.unavailable.iter().find(|(s, _)| *s == app.screen);
    match app.screen {
        _ if unavailable.is_some() => {
            let text = unavailable.map(|(_, n)| say(app, n)).unwrap_or_default();
            frame.render_widget(
                Paragraph::new(text)
                    .wrap(ratatui::widgets::Wrap { trim: true })
                    .style(app.theme.muted()),
                body,
            );
        }
        Screen::Dashboard => dashboard::render(app, frame, body),
        Screen::Roster => roster::render(app, frame, body),
        Screen::Person => person::render(app, frame, body),
        Screen::Appointments => appointments::render(app, frame, body),
        Screen::Outages => outages::render(app, frame, body),
        Screen::Headcount => headcount::render(app, frame, body),
        Screen::Cases => cases::render(app, frame, body),
    }
    status_line(app, frame, status, notice);
    key_footer(app, frame, footer);
    if app.message.is_some() {
        message::render(app, frame, body);
    }
    if app.help {
        help::render(app, frame, body);
    }
    if app.form.is_some() {
        // On a phone a form takes the whole screen: it shows its own keys.
        form::render(app, frame, if narrow(area) { area } else { body });
    }
}

fn too_small(app: &App, frame: &mut Frame, area: Rect) {
    let text = format!(
        "{} {}×{} ({}×{})",
        t(app.lang, "too_small"),
        MIN_SIZE.0,
        MIN_SIZE.1,
        area.width,
        area.height
    );
    let height = 3.min(area.height);
    let y = area.y + area.height.saturating_sub(height) / 2;
    let p = Paragraph::new(text)
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
    frame.render_widget(p, Rect::new(area.x, y, area.width, height));
}

/// Narrower than this, lists of appointments take their short columns
/// (time without zone, one column for time left or status), so that names
/// keep their room.
pub const COMPACT_LISTS: u16 = 70;

/// Whether lists in `area` take their short columns.
pub fn compact(area: Rect) -> bool {
    area.width < COMPACT_LISTS
}

/// Whether `area` takes the one-column layout of a phone in portrait.
pub fn narrow(area: Rect) -> bool {
    area.width < NARROW
}

fn app_bar(app: &App, frame: &mut Frame, area: Rect) {
    let th = app.theme;
    let local = app.now.with_timezone(&app.tz);
    let time = local.format("%H:%M %Z").to_string();
    let day_time = format!("{} {time}", i18n::day(app.lang, local.date_naive()));
    let tabs = |short: bool| {
        let mut spans = Vec::new();
        for (i, screen) in Screen::TABS.iter().enumerate() {
            let active =
                app.screen == *screen || (app.screen == Screen::Person && *screen == app.back_to);
            let tab = if short && !active {
                format!("{}", i + 1)
            } else {
                format!("{} {}", i + 1, t(app.lang, screen.title_key()))
            };
            spans.push(Span::styled(tab, th.tab(active)));
            spans.push(Span::raw(" "));
        }
        spans
    };
    // Every screen's name where the time fits beside them; else (a phone)
    // only the current screen says its name.
    let mut spans = tabs(true);
    if !narrow(area) {
        let full = tabs(false);
        let w: usize = full.iter().map(|s| s.content.chars().count()).sum();
        if w + time.chars().count() < area.width as usize {
            spans = full;
        }
    }
    let tabs_width: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    let room = (area.width as usize).saturating_sub(tabs_width + 1);
    // The clock, as much of it as fits: city, day, time; never seconds.
    let clock = [
        app.shelter
            .as_ref()
            .map(|s| format!("{} · {day_time}", clean(&s.city))),
        Some(day_time),
        Some(time),
    ]
    .into_iter()
    .flatten()
    .find(|c| c.chars().count() <= room)
    .unwrap_or_default();
    if area.width as usize >= tabs_width + clock.chars().count() + 10 {
        spans.insert(0, Span::styled("albergue ", th.title()));
    }
    let [left, right] = Layout::horizontal([
        Constraint::Min(1),
        Constraint::Length(clock.chars().count() as u16),
    ])
    .areas(area);
    frame.render_widget(Line::from(spans), left);
    frame.render_widget(Paragraph::new(clock).alignment(Alignment::Right), right);
}

fn outage_banner(app: &App, frame: &mut Frame, area: Rect) {
    let active = app.active_outages();
    let Some(first) = active.first() else { return };
    let started = first.started_at.with_timezone(&app.tz);
    let since = if started.date_naive() == app.today() {
        started.format("%H:%M %Z").to_string()
    } else {
        local_when(app.lang, app.tz, first.started_at)
    };
    // CBP One's counts its appointments at risk (listed with `!`); another
    // program's, its cases whose step due the outage blocks.
    let at_risk = if first.is_cbp_one() {
        app.at_risk_now()
    } else {
        app.dashboard
            .as_ref()
            .and_then(|d| d.cases.at_risk.iter().find(|(id, _)| *id == first.id))
            .map_or(0, |(_, n)| *n)
    };
    let mut text = format!(
        "⚠ {}: {} {} {} · {at_risk} {}",
        service_label(first),
        step_label(app.lang, first),
        t(app.lang, "since"),
        since,
        t(app.lang, "banner_at_risk"),
    );
    if text.chars().count() > area.width as usize {
        // On a phone: what fails and how many are at risk come first.
        text = format!(
            "⚠ {} · {at_risk} {}",
            step_label(app.lang, first),
            t(app.lang, "banner_at_risk"),
        );
        let with_since = format!("{text} · {since}");
        if with_since.chars().count() <= area.width as usize {
            text = with_since;
        }
    }
    // The count opens the list of everyone at risk: say with which key.
    if first.is_cbp_one() && at_risk > 0 {
        let key = app.keys.first_key(Action::AtRiskList);
        let long = format!("{text}  {key} {}", t(app.lang, "banner_list"));
        let short = format!("{text} ({key})");
        if let Some(with_key) = [long, short]
            .into_iter()
            .find(|s| s.chars().count() <= area.width as usize)
        {
            text = with_key;
        }
    }
    frame.render_widget(
        Paragraph::new(fit(&text, area.width as usize)).style(app.theme.banner()),
        area,
    );
}

/// The failing service's name, as its program's file gives it (`CBP One`,
/// `COMAR (citas en línea)`), else as stored.
pub fn service_label(o: &Outage) -> String {
    crate::programs::in_force()
        .get(o.program())
        .and_then(|p| p.service.clone())
        .unwrap_or_else(|| o.service.clone())
}

fn status_line(app: &App, frame: &mut Frame, area: Rect, notice: Option<(String, bool)>) {
    if let Some((text, error)) = notice {
        let style = if error {
            app.theme.error()
        } else {
            app.theme.muted()
        };
        frame.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).style(style),
            area,
        );
    }
}

/// The few actions the footer names on each screen.
fn footer_actions(app: &App) -> &'static [Action] {
    use Action::*;
    if app.help {
        return &[Back];
    }
    if app.message.is_some() {
        return &[CopyMessage, Back];
    }
    match app.screen {
        Screen::Roster if app.roster.searching => &[SearchCancel, SearchAccept],
        Screen::Roster if app.roster.filter_focus.is_some() => &[Up, Left, Back],
        Screen::Dashboard => &[NextScreen, Help, Quit],
        Screen::Roster => &[Search, Sort, Filter, Open, Help, Quit],
        Screen::Person => &[Confirm, Message, Back, Help, Quit],
        // The at-risk list holds every day: what is done with it, not days.
        Screen::Appointments
            if app.appointments.filter == crate::tui::app::AppointmentFilter::AtRisk =>
        {
            &[Open, Confirm, Message, Help, Quit]
        }
        Screen::Appointments => &[Left, Right, Filter, Open, Help, Quit],
        Screen::Outages => &[GrantExtension, RecordOutage, Down, Help, Quit],
        Screen::Headcount => &[Left, Right, Down, Help, Quit],
        Screen::Cases => &[RecordStep, Open, Down, Help, Quit],
    }
}

fn key_footer(app: &App, frame: &mut Frame, area: Rect) {
    if app.form.is_some() {
        // The form shows its own keys.
        return;
    }
    // Each hint whole or not at all; `?` (where every key is listed)
    // keeps its place at the end whatever is left out before it.
    let items: Vec<(Action, String, String)> = footer_actions(app)
        .iter()
        .filter(|&&a| app.may(a))
        .map(|&a| {
            (
                a,
                app.keys.keys_of(a),
                format!(" {}  ", t(app.lang, a.label_key())),
            )
        })
        .collect();
    let len =
        |(_, k, l): &(Action, String, String)| k.chars().count() + l.trim_end().chars().count() + 2;
    let help = items
        .iter()
        .filter(|i| matches!(i.0, Action::Help | Action::Quit))
        .map(len)
        .sum::<usize>();
    let mut room = (area.width as usize + 2).saturating_sub(help);
    let mut spans = Vec::new();
    for item in &items {
        let keep = matches!(item.0, Action::Help | Action::Quit);
        if !keep {
            if len(item) > room {
                continue;
            }
            room -= len(item);
        }
        spans.push(Span::styled(item.1.clone(), app.theme.key()));
        spans.push(Span::raw(item.2.clone()));
    }
    frame.render_widget(Line::from(spans), area);
}

/// A one-line hint naming each action's first key: `Tab next  Esc cancel`.
pub fn key_hint(app: &App, actions: &[Action]) -> String {
    actions
        .iter()
        .map(|&a| format!("{} {}", app.keys.first_key(a), t(app.lang, a.label_key())))
        .collect::<Vec<_>>()
        .join("  ")
}

/// [`key_hint`] in lines of at most `width` columns, never breaking
/// between a key and what it does.
pub fn key_hint_lines(app: &App, actions: &[Action], width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for &a in actions {
        let item = key_hint(app, &[a]);
        match lines.last_mut() {
            Some(line) if line.chars().count() + 2 + item.chars().count() <= width => {
                line.push_str("  ");
                line.push_str(&item);
            }
            _ => lines.push(fit(&item, width)),
        }
    }
    lines
}

/// A notice in the interface language: its string with the values filled
/// in, moments in the shelter's time, and `{key:action}` as the key the
/// key map binds to that action now.
pub fn say(app: &App, notice: &Notice) -> String {
    let lang = app.lang;
    i18n::fill(t(lang, notice.key), |name| {
        if let Some(action) = name.strip_prefix("key:") {
            let action = Action::ALL.into_iter().find(|a| a.name() == action)?;
            return Some(app.keys.first_key(action));
        }
        Some(match notice.arg(name)? {
            Arg::Text(text) => text.clone(),
            Arg::Count(n) => n.to_string(),
            Arg::When(at) => local_when(lang, app.tz, *at),
            Arg::Local(at) => at.format("%Y-%m-%d %H:%M").to_string(),
            Arg::Day(d) => i18n::date(lang, *d),
            Arg::Key(key) => t(lang, key).to_string(),
            Arg::Changes(changes) => changes
                .iter()
                .map(|(label, old, new)| format!("{}: {old:?} → {new:?}", t(lang, label)))
                .collect::<Vec<_>>()
                .join("; "),
            Arg::People(people) => people
                .iter()
                .map(|(id, name)| format!("#{id} {name}"))
                .collect::<Vec<_>>()
                .join(", "),
        })
    })
}

/// `mié 22 may 08:00 PDT` in a zone.
pub fn local_when(lang: Lang, tz: Tz, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&tz);
    format!(
        "{} {}",
        i18n::day(lang, local.date_naive()),
        local.format("%H:%M %Z")
    )
}

/// `09:00 PDT` at a port.
pub fn port_time(port: &Port, at: DateTime<Utc>) -> String {
    port.local_time(at).format("%H:%M %Z").to_string()
}

/// `22 May 09:00 PDT` at a port (no weekday: fits a table column).
pub fn port_day_time(lang: Lang, port: &Port, at: DateTime<Utc>) -> String {
    let local = port.local_time(at);
    let day = i18n::day(lang, local.date_naive());
    let day = day.split_once(' ').map_or(day.as_str(), |(_, rest)| rest);
    format!("{day} {}", local.format("%H:%M %Z"))
}

/// A person status in the interface language.
pub fn person_status(lang: Lang, s: PersonStatus) -> &'static str {
    t(
        lang,
        match s {
            PersonStatus::Present => "person_present",
            PersonStatus::Departed => "person_departed",
            PersonStatus::Crossed => "person_crossed",
            PersonStatus::Transferred => "person_transferred",
        },
    )
}

/// An appointment status in the interface language.
pub fn appointment_status(lang: Lang, s: AppointmentStatus) -> &'static str {
    t(lang, super::notice::appointment_status_key(s))
}

/// "confirmation failing" etc.
pub fn step_label(lang: Lang, o: &Outage) -> &'static str {
    t(
        lang,
        match o.affected_step {
            crate::domain::Step::Login => "step_login",
            crate::domain::Step::Request => "step_request",
            crate::domain::Step::Confirm => "step_confirm",
            crate::domain::Step::All => "step_all",
        },
    )
}

/// "all ports" or the codes.
pub fn ports_label(lang: Lang, ports: &Ports) -> String {
    match ports {
        Ports::All => t(lang, "all_ports").to_string(),
        Ports::Some(codes) => codes.join(", "),
    }
}

/// Data made safe to draw: control characters (an escape sequence in an
/// imported name, say) become `�`, so data can never drive the terminal.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect()
}

/// Cleans text and cuts it to `width` characters, marking the cut with `…`.
pub fn fit(text: &str, width: usize) -> String {
    let text = clean(text);
    if text.chars().count() <= width {
        text
    } else if width == 0 {
        String::new()
    } else {
        let mut s: String = text.chars().take(width - 1).collect();
        s.push('…');
        s
    }
}

/// What a screen shows while its data has not arrived.
pub fn loading(app: &App, frame: &mut Frame, area: Rect) {
    frame.render_widget(
        Paragraph::new(t(app.lang, "loading")).style(app.theme.muted()),
        area,
    );
}

/// A screen made of one line of information above a table.
pub fn info_over_table(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area)
}

/// `text` in lines of at most `width` columns, broken between words (a
/// word longer than a line is cut).
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    crate::domain::template::wrap(text, width)
        .into_iter()
        .map(|l| fit(&l, width))
        .collect()
}

/// The first row to draw so that the selection is on screen in `rows`
/// rows (a notice on two lines can make a list a row shorter than the
/// app's page) (the list's
/// own offset, moved as little as needed).
pub(super) fn in_view(pos: &crate::tui::list::ListPos, rows: usize) -> usize {
    pos.offset
        .min(pos.selected)
        .max((pos.selected + 1).saturating_sub(rows.max(1)))
}

/// A centred box for overlays.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Clears an overlay's area before drawing it.
pub fn clear(frame: &mut Frame, area: Rect) {
    frame.render_widget(Clear, area);
}

/// Marks the selected row: a marker in low-bandwidth mode (2 cells change
/// per move), a restyled row otherwise.
pub fn selection_marker(app: &App, selected: bool) -> &'static str {
    match (app.theme.low_bandwidth, selected) {
        (true, true) => "›",
        _ => " ",
    }
}
