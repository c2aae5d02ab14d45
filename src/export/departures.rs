//! Tomorrow's list on paper: `albergue list appointments` and the dashboard's
//! `P`. Text that fits 80 columns, CSV for a spreadsheet, and HTML that
//! prints one page per port (print CSS only: no script, nothing fetched).

use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::Path;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use unicode_width::UnicodeWidthStr;

use super::files::{private_dir, private_file};
use crate::domain::departures::{build, Day, Group, PortDay, Traveller};
use crate::domain::port;
use crate::domain::template::wrap;
use crate::i18n::{self, fill, t, Lang};
use crate::store::{Store, StoreError};

/// Width of the text list.
pub const TEXT_WIDTH: usize = 80;

/// The formats the list comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// Plain text, 80 columns, a box to tick per person.
    Text,
    /// CSV (RFC 4180, UTF-8, header row), one row per traveller.
    Csv,
    /// HTML to print: one page per port.
    Html,
}

impl ListFormat {
    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Text => "txt",
            Self::Csv => "csv",
            Self::Html => "html",
        }
    }
}

/// What a list says besides its ports.
#[derive(Debug, Clone, Copy)]
pub struct Heading<'a> {
    /// The language.
    pub lang: Lang,
    /// When it was made, in the shelter's zone.
    pub printed: DateTime<Tz>,
    /// What `--date` asked for, said when no port has anyone.
    pub day: &'a str,
}

/// The list in `format`.
pub fn render(list: &[PortDay], format: ListFormat, h: Heading) -> String {
    match format {
        ListFormat::Text => text(list, h),
        ListFormat::Csv => csv(list),
        ListFormat::Html => html(list, h),
    }
}

/// Data as printed: no control characters, whatever was stored.
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

fn full_date(lang: Lang, d: chrono::NaiveDate) -> String {
    format!("{} {}", i18n::day(lang, d), chrono::Datelike::year(&d))
}

fn port_title(p: &PortDay) -> String {
    format!("{} ({})", p.port.name, p.port.code)
}

/// "times in PDT · 12 people in 5 households · 2 not confirmed yet"
fn port_meta(p: &PortDay, lang: Lang) -> String {
    let zone = p
        .groups
        .first()
        .map(|g| p.port.zone_abbreviation(g.at))
        .unwrap_or_default();
    let mut meta = format!(
        "{} · {}",
        fill(t(lang, "list_times"), |k| (k == "zone")
            .then(|| zone.clone())),
        fill(t(lang, "list_counts"), |k| match k {
            "people" => Some(count(lang, "list_people", p.people())),
            "groups" => Some(count(lang, "list_groups", p.groups.len())),
            _ => None,
        })
    );
    let open = p.unconfirmed();
    if open > 0 {
        meta.push_str(" · ");
        meta.push_str(&fill(t(lang, "list_unconfirmed"), |k| {
            (k == "count").then(|| open.to_string())
        }));
    }
    meta
}

/// "1 person", "3 people": `{key}_one` or `{key}_many`.
fn count(lang: Lang, key: &str, n: usize) -> String {
    if n == 1 {
        t(lang, &format!("{key}_one")).to_string()
    } else {
        fill(t(lang, &format!("{key}_many")), |k| {
            (k == "count").then(|| n.to_string())
        })
    }
}

fn group_time(p: &PortDay, g: &Group) -> String {
    p.port.local_time(g.at).format("%H:%M").to_string()
}

/// "Rangel · Chicago, IL · Casa del Caminante" (the shelter only when the
/// port's list mixes shelters).
fn group_caption(p: &PortDay, g: &Group) -> String {
    let mut parts = vec![clean(&g.household)];
    if let Some(d) = g.destination.as_deref().filter(|d| !d.trim().is_empty()) {
        parts.push(clean(d));
    }
    if p.several_shelters() {
        parts.push(clean(&g.shelter));
    }
    parts.join(" · ")
}

fn traveller_name(tr: &Traveller) -> String {
    match tr.birth_year {
        Some(y) => format!("{} ({y})", clean(&tr.name)),
        None => clean(&tr.name),
    }
}

fn confirmation(tr: &Traveller, lang: Lang) -> String {
    match (&tr.confirmation, tr.confirmed) {
        (Some(n), true) => clean(n),
        _ => t(lang, "list_not_confirmed").to_string(),
    }
}

fn printed_line(h: Heading) -> String {
    fill(t(h.lang, "list_printed"), |k| match k {
        "when" => Some(format!(
            "{} {}",
            full_date(h.lang, h.printed.date_naive()),
            h.printed.format("%H:%M %Z")
        )),
        _ => None,
    })
}

fn text(list: &[PortDay], h: Heading) -> String {
    let lang = h.lang;
    let mut out = String::new();
    if list.is_empty() {
        out.push_str(&fill(t(lang, "list_empty"), |k| {
            (k == "day").then(|| h.day.to_string())
        }));
        out.push('\n');
    }
    for (i, p) in list.iter().enumerate() {
        if i > 0 {
            // A new page for each port when printed.
            out.push('\x0c');
        }
        let title = format!("{} · {}", port_title(p), full_date(lang, p.date));
        for line in wrap(&title, TEXT_WIDTH) {
            let _ = writeln!(out, "{line}");
        }
        for line in wrap(&port_meta(p, lang), TEXT_WIDTH) {
            let _ = writeln!(out, "{line}");
        }
        let _ = writeln!(out, "{}", "=".repeat(TEXT_WIDTH));
        for g in &p.groups {
            let head = format!("{}  {}", group_time(p, g), group_caption(p, g));
            for (n, line) in wrap(&head, TEXT_WIDTH - 7).iter().enumerate() {
                let indent = if n == 0 { "" } else { "       " };
                let _ = writeln!(out, "{indent}{line}");
            }
            for tr in &g.travellers {
                let name = traveller_name(tr);
                let conf = confirmation(tr, lang);
                // "  [ ] " then the name; the number at the right edge, or
                // on the next line when the name needs the room.
                let room = TEXT_WIDTH - 6;
                let mut name_lines = wrap(&name, room);
                if name_lines.is_empty() {
                    name_lines.push(String::new());
                }
                for (n, line) in name_lines.iter().enumerate() {
                    let tick = if n == 0 { "  [ ] " } else { "      " };
                    let _ = write!(out, "{tick}{line}");
                    if n + 1 == name_lines.len() {
                        let gap = room.saturating_sub(line.width() + conf.width());
                        if gap >= 2 {
                            let _ = writeln!(out, "{}{conf}", " ".repeat(gap));
                        } else {
                            let pad = TEXT_WIDTH.saturating_sub(conf.width());
                            let _ = writeln!(out, "\n{}{conf}", " ".repeat(pad));
                        }
                    } else {
                        out.push('\n');
                    }
                }
            }
            let _ = writeln!(out, "{}", "-".repeat(TEXT_WIDTH));
        }
        for line in wrap(&printed_line(h), TEXT_WIDTH) {
            let _ = writeln!(out, "{line}");
        }
    }
    out
}

/// A spreadsheet cell that cannot run as a formula (see
/// [`crate::domain::cell`]), with no control characters.
fn cell(s: &str) -> String {
    crate::domain::cell::guarded(&clean(s)).into_owned()
}

fn csv(list: &[PortDay]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "port",
        "port_name",
        "date",
        "time",
        "zone",
        "household",
        "destination",
        "shelter",
        "traveller",
        "birth_year",
        "confirmation_number",
        "confirmed",
    ]);
    for p in list {
        for g in &p.groups {
            let local = p.port.local_time(g.at);
            for tr in &g.travellers {
                let _ = w.write_record([
                    p.port.code.clone(),
                    p.port.name.clone(),
                    p.date.to_string(),
                    local.format("%H:%M").to_string(),
                    p.port.zone_abbreviation(g.at),
                    cell(&g.household),
                    cell(g.destination.as_deref().unwrap_or("")),
                    cell(&g.shelter),
                    cell(&tr.name),
                    tr.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                    cell(tr.confirmation.as_deref().unwrap_or("")),
                    if tr.confirmed { "yes" } else { "no" }.to_string(),
                ]);
            }
        }
    }
    // Writing into memory does not fail.
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Text for HTML: `& < > " '` escaped, no control characters.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

const PRINT_CSS: &str = "@page { margin: 12mm; }
body { font: 10pt/1.3 sans-serif; color: #000; background: #fff; margin: 0; }
section { break-after: page; page-break-after: always; }
section:last-of-type { break-after: auto; page-break-after: auto; }
h1 { font-size: 14pt; margin: 0 0 2pt; }
p.meta { margin: 0 0 6pt; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 1.5pt 4pt; border-bottom: 0.5pt solid #888; vertical-align: top; }
thead th { border-bottom: 1pt solid #000; font-size: 9pt; }
tbody { break-inside: avoid; page-break-inside: avoid; }
tr.group th { border-top: 1pt solid #000; background: #eee; font-weight: bold; }
td.tick { width: 12pt; }
span.box { display: inline-block; width: 9pt; height: 9pt; border: 1pt solid #000; }
td.open { font-weight: bold; }
footer { margin-top: 6pt; font-size: 8.5pt; }
@media screen { body { margin: 1em auto; max-width: 190mm; } section { margin-bottom: 3em; } }";

fn html(list: &[PortDay], h: Heading) -> String {
    let lang = h.lang;
    let code = match lang {
        Lang::En => "en",
        Lang::Es => "es",
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{}</title>\n<style>\n{PRINT_CSS}\n</style>\n</head>\n<body>\n",
        esc(t(lang, "list_title"))
    );
    if list.is_empty() {
        let _ = writeln!(
            out,
            "<p>{}</p>",
            esc(&fill(t(lang, "list_empty"), |k| (k == "day")
                .then(|| h.day.to_string())))
        );
    }
    for p in list {
        let _ = write!(
            out,
            "<section>\n<h1>{} · {}</h1>\n<p class=\"meta\">{}</p>\n<table>\n<thead><tr>\
             <th></th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n",
            esc(&port_title(p)),
            esc(&full_date(lang, p.date)),
            esc(&port_meta(p, lang)),
            esc(t(lang, "list_col_traveller")),
            esc(t(lang, "list_col_born")),
            esc(t(lang, "list_col_confirmation")),
        );
        for g in &p.groups {
            let _ = writeln!(
                out,
                "<tbody>\n<tr class=\"group\"><th colspan=\"4\">{} · {}</th></tr>",
                esc(&group_time(p, g)),
                esc(&group_caption(p, g))
            );
            for tr in &g.travellers {
                let _ = writeln!(
                    out,
                    "<tr><td class=\"tick\"><span class=\"box\"></span></td><td>{}</td>\
                     <td>{}</td><td{}>{}</td></tr>",
                    esc(&tr.name),
                    tr.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                    if tr.confirmed { "" } else { " class=\"open\"" },
                    esc(&confirmation(tr, lang)),
                );
            }
            out.push_str("</tbody>\n");
        }
        let _ = write!(
            out,
            "</table>\n<footer>{}</footer>\n</section>\n",
            esc(&printed_line(h))
        );
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// Which list: a day, and perhaps one venue or one shelter.
#[derive(Debug, Clone)]
pub struct ListQuery {
    /// The day.
    pub day: Day,
    /// Only this venue (a port's or a followed program's venue code).
    pub venue: Option<String>,
    /// Only this shelter's households.
    pub shelter: Option<i64>,
}

impl ListQuery {
    /// Every port and shelter on `day`.
    pub fn every_port(day: Day) -> Self {
        Self {
            day,
            venue: None,
            shelter: None,
        }
    }
}

/// Reads the list (the store refuses roles that may not print lists):
/// CBP One's appointments at its ports, then the dates other programs the
/// shelter follows gave at their venues.
pub fn read(store: &Store, q: &ListQuery, now: DateTime<Utc>) -> Result<Vec<PortDay>, StoreError> {
    let programs = crate::programs::in_force();
    let (from, to) = q.day.span(now);
    let mut rows = store.departures(from, to, q.shelter)?;
    rows.extend(store.scheduled_cases(from, to, q.shelter, &programs.followed())?);
    Ok(build(
        &rows,
        &programs.places(),
        q.day,
        now,
        q.venue.as_deref(),
    ))
}

/// A list as asked for on the command line, over SSH or from the
/// dashboard: the shelter named (name or city) resolved, the day put into
/// words, "printed at" in the shelter's own time (the one chosen, else
/// `home`, else the first).
pub struct Asked<'a> {
    /// The day.
    pub day: Day,
    /// Only this venue (its code).
    pub venue: Option<String>,
    /// Only this shelter (name or city).
    pub shelter: Option<&'a str>,
    /// Text, CSV or HTML.
    pub format: ListFormat,
    /// Its language.
    pub lang: crate::i18n::Lang,
    /// The shelter whose clock says "printed at" when none is chosen.
    pub home: Option<i64>,
}

/// Why a list could not be made.
#[derive(Debug)]
pub enum ListError {
    /// No shelter of that name, and the names known.
    NoShelter(String, Vec<String>),
    /// The store failed.
    Store(StoreError),
}

impl std::fmt::Display for ListError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoShelter(name, known) => {
                write!(f, "no shelter called {name:?}; known: {}", known.join(", "))
            }
            Self::Store(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ListError {}

impl From<StoreError> for ListError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

/// Makes the list `asked` for: its text, and how many people at how many
/// ports.
pub fn make(
    store: &Store,
    asked: &Asked,
    now: DateTime<Utc>,
) -> Result<(String, usize, usize), ListError> {
    use crate::i18n::{fill, t};
    let shelters = store.shelters()?;
    let shelter = match asked.shelter {
        None => None,
        Some(name) => Some(store.shelter_named(name)?.ok_or_else(|| {
            let known = shelters.iter().map(|s| s.name.clone()).collect();
            ListError::NoShelter(name.to_string(), known)
        })?),
    };
    let home = shelter
        .or(asked.home)
        .and_then(|id| shelters.iter().find(|s| s.id == id))
        .or(shelters.first());
    let tz: chrono_tz::Tz = home
        .and_then(|s| s.tz.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    let query = ListQuery {
        day: asked.day,
        venue: asked.venue.clone(),
        shelter,
    };
    let list = read(store, &query, now)?;
    let lang = asked.lang;
    let day = match asked.day {
        Day::On(d) => fill(t(lang, "list_on"), |k| {
            (k == "date").then(|| crate::i18n::date(lang, d))
        }),
        Day::Today => t(lang, "list_today").into(),
        Day::Tomorrow => t(lang, "list_tomorrow").into(),
    };
    let text = render(
        &list,
        asked.format,
        Heading {
            lang,
            printed: now.with_timezone(&tz),
            day: &day,
        },
    );
    let people = list.iter().map(|p| p.people()).sum();
    Ok((text, people, list.len()))
}

/// The file name for a list: `departures-2024-05-23.html` (the first
/// port's date; tomorrow at the first port when nobody goes).
pub fn file_name(list: &[PortDay], day: Day, now: DateTime<Utc>) -> String {
    let date = list
        .first()
        .map_or_else(|| day.at(&port::all()[0], now), |p| p.date);
    format!("departures-{date}.html")
}

/// Writes `text` to `path` in `folder` (made 0700 if missing): 0600, whole
/// or not at all (a temporary file renamed over the old list).
pub fn write_file(folder: &Path, path: &Path, text: &str) -> io::Result<()> {
    private_dir(folder)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("list");
    let temp = folder.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&temp);
    let written = (|| {
        let mut f = private_file(&temp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}
