//! The headcount screen: a month's figures for one shelter (or the whole
//! network), as `albergue report headcount` counts them, with a bar a
//! line for each age group, nationality and section. Counts only: no name.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{fit, person_status};
use crate::domain::headcount::{Counts, AGE_GROUPS, DEPARTURE_KINDS};
use crate::domain::Sex;
use crate::i18n::{date, t};
use crate::tui::app::App;
use crate::tui::message::HeadcountPage;

/// Wider than this, the breakdowns take two columns.
const TWO_COLUMNS: u16 = 100;

/// Wider than this, each age group says how many of each sex.
const SEX_COLUMNS: usize = 64;

/// The sexes counted, in the columns' order.
const SEXES: [Sex; 4] = [Sex::Female, Sex::Male, Sex::Other, Sex::Unknown];

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let th = app.theme;
    let Some(page) = &app.headcount.page else {
        super::loading(app, frame, area);
        return;
    };
    let width = area.width as usize;
    let places = page.places();
    let network = places.get(app.headcount.place) == Some(&None);
    let Some((name, counts)) = page.place(app.headcount.place) else {
        let mut lines = vec![Line::styled(title(app, page, width), th.title())];
        lines.push(Line::styled(fit(t(lang, "hc_nobody"), width), th.muted()));
        frame.render_widget(Paragraph::new(lines), area);
        return;
    };
    let name = if name.is_empty() {
        t(lang, "hc_network").to_string()
    } else {
        name
    };
    let mut head = vec![Line::styled(title(app, page, width), th.title())];
    let which = if places.len() > 1 {
        format!("{name}  ({}/{})", app.headcount.place + 1, places.len())
    } else {
        name
    };
    head.push(Line::styled(fit(&which, width), th.header()));
    for l in flow(&summary(app, counts, network), width) {
        head.push(Line::styled(l, th.text()));
    }
    let departures = departures(app, counts);
    if !departures.is_empty() {
        for l in flow(&departures, width) {
            head.push(Line::styled(l, th.muted()));
        }
    }
    let head_h = head.len() as u16 + 1;
    let [head_area, body] =
        Layout::vertical([Constraint::Length(head_h), Constraint::Min(0)]).areas(area);
    frame.render_widget(Paragraph::new(head), head_area);

    if area.width >= TWO_COLUMNS {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(body);
        let w = left.width.saturating_sub(2) as usize;
        let mut l = ages(app, counts, w);
        l.push(Line::raw(""));
        l.extend(sections(app, page, counts, w, network));
        frame.render_widget(Paragraph::new(l), left);
        let rows = (right.height as usize).saturating_sub(1);
        frame.render_widget(Paragraph::new(nationalities(app, counts, w, rows)), right);
    } else {
        let mut l = ages(app, counts, width);
        let left = (body.height as usize).saturating_sub(l.len() + 1);
        let s = sections(app, page, counts, width, network);
        // Nationalities take what the sections leave.
        let n_rows = left.saturating_sub(s.len() + 1);
        if n_rows > 1 {
            l.push(Line::raw(""));
            l.extend(nationalities(app, counts, width, n_rows));
        }
        if !s.is_empty() {
            l.push(Line::raw(""));
            l.extend(s);
        }
        frame.render_widget(Paragraph::new(l), body);
    }
}

/// "Headcount · 1 May 2024 – 22 May 2024 · ←/→ month".
fn title(app: &App, page: &HeadcountPage, width: usize) -> String {
    let lang = app.lang;
    fit(
        &format!(
            "{} · {} – {}",
            t(lang, "screen_headcount"),
            date(lang, page.from),
            date(lang, page.to)
        ),
        width,
    )
}

/// The period's figures, each a short phrase (the network's have no
/// transfers: they stay inside it).
fn summary(app: &App, c: &Counts, network: bool) -> Vec<String> {
    let lang = app.lang;
    let signed = |sign: char, n: i64, key: &str| {
        if n == 0 {
            format!("0 {}", t(lang, key))
        } else {
            format!("{sign}{n} {}", t(lang, key))
        }
    };
    let mut out = vec![
        format!("{} {}", t(lang, "hc_start"), c.start),
        signed('+', c.arrivals, "hc_arrivals"),
        signed('−', c.departed(), "hc_departures"),
    ];
    if !network {
        out.push(signed('+', c.transfers_in, "hc_in"));
        out.push(signed('−', c.transfers_out, "hc_out"));
    }
    out.push(format!("{} {}", t(lang, "hc_end"), c.end));
    out.push(format!("{} {}", c.served, t(lang, "hc_served")));
    out
}

/// How they left, each kind that happened.
fn departures(app: &App, c: &Counts) -> Vec<String> {
    DEPARTURE_KINDS
        .iter()
        .zip(c.departures)
        .filter(|(_, n)| *n > 0)
        .map(|(kind, n)| format!("{n} {}", person_status(app.lang, *kind)))
        .collect()
}

/// Phrases joined by " · " into lines of at most `width`, a phrase never
/// split.
fn flow(items: &[String], width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for item in items {
        let need = line.chars().count() + 3 + item.chars().count();
        if !line.is_empty() && need > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push_str(" · ");
        }
        line.push_str(item);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out.into_iter().map(|l| fit(&l, width)).collect()
}

/// A bar of `n` of `most` in `room` columns, in eighths.
fn bar(n: i64, most: i64, room: usize) -> String {
    const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    if most <= 0 || n <= 0 || room == 0 {
        return String::new();
    }
    let eighths = ((n as u128 * room as u128 * 8).div_ceil(most as u128)) as usize;
    let mut s = "█".repeat(eighths / 8);
    s.push_str(EIGHTHS[eighths % 8]);
    s
}

/// One line of a breakdown: its label, a bar, the count and `tail`.
fn bar_line(
    app: &App,
    label: &str,
    n: i64,
    most: i64,
    (label_w, width): (usize, usize),
    tail: String,
) -> Line<'static> {
    let th = app.theme;
    let count = format!(" {n:>6}");
    let room = width.saturating_sub(label_w + 1 + count.len() + tail.chars().count());
    let drawn = if th.low_bandwidth {
        String::new()
    } else {
        bar(n, most, room)
    };
    let pad = room.saturating_sub(drawn.chars().count());
    Line::from(vec![
        Span::raw(format!("{:<label_w$} ", fit(label, label_w))),
        Span::styled(drawn, th.chart()),
        Span::raw(" ".repeat(pad)),
        Span::styled(count, th.text()),
        Span::styled(tail, th.muted()),
    ])
}

/// People served by age group (on the period's last day), and of each sex
/// where there is room.
fn ages(app: &App, c: &Counts, width: usize) -> Vec<Line<'static>> {
    let lang = app.lang;
    let th = app.theme;
    let by_group: Vec<(usize, i64, Vec<i64>)> = (0..AGE_GROUPS.len())
        .map(|g| {
            let of: Vec<i64> = SEXES
                .iter()
                .map(|s| c.by_sex_age.get(&(s.as_str(), g)).copied().unwrap_or(0))
                .collect();
            (g, of.iter().sum(), of)
        })
        // "unknown" only when someone's age is.
        .filter(|(g, n, _)| *g + 1 < AGE_GROUPS.len() || *n > 0)
        .collect();
    let most = by_group.iter().map(|(_, n, _)| *n).max().unwrap_or(0);
    let sexes = width >= SEX_COLUMNS;
    let mut head = t(lang, "hc_by_age").to_string();
    if sexes {
        let cols: String = SEXES
            .iter()
            .map(|s| format!("{:>7}", fit(sex_short(app, *s), 6)))
            .collect();
        let room = width.saturating_sub(cols.chars().count());
        head = format!("{:<room$}{cols}", fit(&head, room));
    }
    let mut out = vec![Line::styled(fit(&head, width), th.title())];
    for (g, n, of) in by_group {
        let label = if g + 1 == AGE_GROUPS.len() {
            t(lang, "hc_age_unknown").to_string()
        } else {
            AGE_GROUPS[g].to_string()
        };
        let tail = if sexes {
            of.iter().map(|x| format!(" {x:>6}")).collect()
        } else {
            String::new()
        };
        out.push(bar_line(app, &label, n, most, (7, width), tail));
    }
    out
}

fn sex_short(app: &App, s: Sex) -> &str {
    t(
        app.lang,
        match s {
            Sex::Female => "sex_female",
            Sex::Male => "sex_male",
            Sex::Other => "sex_other",
            Sex::Unknown => "hc_sex_unknown",
        },
    )
}

/// People served by nationality, most first, in at most `rows` lines (the
/// rest on one line).
fn nationalities(app: &App, c: &Counts, width: usize, rows: usize) -> Vec<Line<'static>> {
    let th = app.theme;
    let mut list: Vec<(&String, i64)> = c.by_nationality.iter().map(|(k, v)| (k, *v)).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let most = list.first().map_or(0, |x| x.1);
    let mut out = vec![Line::styled(
        fit(t(app.lang, "hc_by_nationality"), width),
        th.title(),
    )];
    let room = rows.saturating_sub(1).max(1);
    let shown = if list.len() > room {
        room - 1
    } else {
        list.len()
    };
    for (code, n) in &list[..shown] {
        out.push(bar_line(app, code, *n, most, (5, width), String::new()));
    }
    if shown < list.len() {
        let rest: i64 = list[shown..].iter().map(|x| x.1).sum();
        let label = format!("+{}", list.len() - shown);
        out.push(bar_line(app, &label, rest, most.max(rest), (5, width), {
            format!(" {}", t(app.lang, "hc_others"))
        }));
    }
    out
}

/// People present at the period's end, by section; for the network, by
/// shelter (sections of one name are in every shelter).
fn sections(
    app: &App,
    page: &HeadcountPage,
    c: &Counts,
    width: usize,
    network: bool,
) -> Vec<Line<'static>> {
    let lang = app.lang;
    let (title, lines): (&str, Vec<(String, i64)>) = if network {
        let lines = page
            .counts
            .shelters
            .iter()
            .map(|(id, c)| {
                let name = page.shelters.iter().find(|s| s.id == *id);
                (
                    name.map_or_else(|| format!("#{id}"), |s| s.name.clone()),
                    c.end,
                )
            })
            .collect();
        (t(lang, "hc_by_shelter"), lines)
    } else {
        if c.by_section.keys().all(Option::is_none) {
            return Vec::new();
        }
        let lines = c
            .by_section
            .iter()
            .map(|(id, n)| {
                let label = match id {
                    Some(id) => page.section_name(*id),
                    None => t(lang, "beds_unplaced").to_string(),
                };
                (label, *n)
            })
            .collect();
        (t(lang, "hc_by_section"), lines)
    };
    let th = app.theme;
    let most = lines.iter().map(|l| l.1).max().unwrap_or(0);
    let label_w = (width / 3).clamp(8, 26);
    let mut out = vec![Line::styled(fit(title, width), th.title())];
    for (label, n) in lines {
        out.push(bar_line(
            app,
            &label,
            n,
            most,
            (label_w, width),
            String::new(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_grow_in_eighths_and_the_largest_fills_its_room() {
        assert_eq!(bar(10, 10, 4), "████");
        assert_eq!(bar(5, 10, 4), "██");
        assert_eq!(bar(1, 16, 2), "▏");
        assert_eq!(bar(0, 10, 4), "");
        assert_eq!(bar(3, 10, 0), "");
    }

    #[test]
    fn phrases_flow_without_splitting() {
        let items = ["aaaa".to_string(), "bbbb".into(), "cc".into()];
        assert_eq!(flow(&items, 11), ["aaaa · bbbb", "cc"]);
        assert_eq!(flow(&items, 40), ["aaaa · bbbb · cc"]);
    }
}
