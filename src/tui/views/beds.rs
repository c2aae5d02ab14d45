//! The dashboard's beds: who is arriving by transfer, then each section's
//! beds, occupied and free, and who leaves tomorrow; full sections first
//! and marked. When the lines do not fit, one line per shelter instead.

use ratatui::text::{Line, Span};

use super::fit;
use crate::i18n::t;
use crate::store::{DashboardData, ShelterBeds};
use crate::tui::app::App;

/// At most this many lines of people arriving.
const ARRIVING_LINES: usize = 2;

/// The beds panel's lines for `width` columns and at most `rows` rows
/// (title included). Nothing when no shelter of the session has sections,
/// people unplaced, or people arriving.
pub fn lines(app: &App, d: &DashboardData, width: usize, rows: usize) -> Vec<Line<'static>> {
    let lang = app.lang;
    let th = app.theme;
    if rows == 0 || (d.beds.is_empty() && d.arriving.is_empty()) {
        return Vec::new();
    }
    let mut out = Vec::new();
    if !d.arriving.is_empty() {
        out.push(Line::styled(
            fit(t(lang, "dash_arriving"), width),
            th.title(),
        ));
        for a in d.arriving.iter().take(ARRIVING_LINES) {
            let text = format!("→ {} ({}) ← {}", a.household, a.transfer.people, a.from);
            out.push(Line::styled(fit(&text, width), th.warning()));
        }
        if d.arriving.len() > ARRIVING_LINES {
            out.push(Line::styled(
                fit(&format!("  +{}", d.arriving.len() - ARRIVING_LINES), width),
                th.muted(),
            ));
        }
    }
    if d.beds.is_empty() {
        out.truncate(rows);
        return out;
    }
    let several = d.beds.len() > 1;
    let detailed = detail_lines(app, &d.beds, width, several);
    let room = rows.saturating_sub(out.len() + 1);
    out.push(Line::styled(fit(t(lang, "dash_beds"), width), th.title()));
    if detailed.len() <= room {
        out.extend(detailed);
    } else {
        for b in &d.beds {
            out.push(summary_line(app, b, width));
        }
    }
    out.truncate(rows);
    out
}

/// One line a section (full ones first), under a line for each shelter
/// when there are several.
fn detail_lines(
    app: &App,
    beds: &[ShelterBeds],
    width: usize,
    several: bool,
) -> Vec<Line<'static>> {
    let lang = app.lang;
    let th = app.theme;
    let mut out = Vec::new();
    for b in beds {
        let mut extra = Vec::new();
        if b.arriving > 0 {
            extra.push(format!("+{} {}", b.arriving, t(lang, "beds_arriving")));
        }
        if b.unplaced > 0 {
            extra.push(format!("{} {}", b.unplaced, t(lang, "beds_unplaced")));
        }
        if several {
            let head = if extra.is_empty() {
                b.shelter.clone()
            } else {
                format!("{} · {}", b.shelter, extra.join(" · "))
            };
            out.push(Line::styled(fit(&head, width), th.header()));
        } else if !extra.is_empty() {
            out.push(Line::styled(fit(&extra.join(" · "), width), th.muted()));
        }
        let mut sections: Vec<&crate::domain::section::Section> =
            b.sections.iter().map(|(s, _)| s).collect();
        sections.sort_by_key(|s| (!s.is_full(), s.name.clone()));
        for s in sections {
            let leaving = app.leaving.get(&s.id).copied().unwrap_or(0);
            let beds = format!(" {:>4}/{:<4}", s.occupied, s.capacity);
            let state = if s.is_full() {
                format!(" {}", t(lang, "beds_full"))
            } else {
                format!(" {} {}", s.free(), t(lang, "beds_free"))
            };
            let leave = if leaving > 0 {
                format!(" −{leaving} {}", t(lang, "beds_leaving"))
            } else {
                String::new()
            };
            let mut tail = format!("{beds}{state}{leave}");
            if tail.chars().count() + 5 > width {
                // Who leaves tomorrow gives way before any count is cut.
                tail = format!("{beds}{state}");
            }
            // The name gives way first; the numbers are never cut.
            let name_w = width.saturating_sub(tail.chars().count() + 1).max(4);
            let tail = fit(&tail, width.saturating_sub(name_w + 1));
            let style = if s.is_full() { th.urgent() } else { th.text() };
            out.push(Line::from(vec![
                Span::styled(format!(" {:<name_w$}", fit(&s.name, name_w)), style),
                Span::styled(tail, if s.is_full() { th.urgent() } else { th.muted() }),
            ]));
        }
    }
    out
}

/// A shelter on one line: beds taken of all, free, and how many sections
/// are full.
fn summary_line(app: &App, b: &ShelterBeds, width: usize) -> Line<'static> {
    let lang = app.lang;
    let th = app.theme;
    let occupied: i64 = b.sections.iter().map(|(s, _)| s.occupied).sum();
    let free: i64 = b.sections.iter().map(|(s, _)| s.free()).sum();
    let full = b.sections.iter().filter(|(s, _)| s.is_full()).count();
    let mut tail = format!(
        " {occupied}/{} · {free} {}",
        b.capacity(),
        t(lang, "beds_free")
    );
    if full > 0 {
        tail.push_str(&format!(" · {full} {}", t(lang, "beds_full")));
    }
    let name_w = width.saturating_sub(tail.chars().count()).max(4);
    Line::from(vec![
        Span::styled(
            fit(&b.shelter, name_w),
            if full > 0 { th.urgent() } else { th.text() },
        ),
        Span::styled(fit(&tail, width.saturating_sub(name_w)), th.muted()),
    ])
}
