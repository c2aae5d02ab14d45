//! `albergue report headcount` on paper: the counts of
//! `domain::headcount` as text, CSV (one figure per row) or HTML that
//! prints one page per shelter with a bar chart per breakdown (CSS only: no
//! script, nothing fetched). Counts only: no name, no id of anyone.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::domain::headcount::{shown, Counts, Headcount, AGE_GROUPS, DEPARTURE_KINDS};
use crate::domain::section::Section;
use crate::domain::{Sex, Shelter};

/// The formats the report comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Plain text, 80 columns.
    Text,
    /// CSV (RFC 4180, UTF-8, header row): one figure per row.
    Csv,
    /// HTML to print: one page per shelter, with bar charts.
    Html,
}

/// What the report is of.
pub struct Asked<'a> {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// Names of the shelters.
    pub shelters: &'a [Shelter],
    /// Their sections now (names and beds).
    pub sections: &'a [Section],
    /// Show 1 to 4 as "<5".
    pub suppress: bool,
}

/// One block of the report: a shelter's counts, or the total.
struct Block<'a> {
    title: String,
    counts: &'a Counts,
    /// The shelter's id (none for the total).
    shelter: Option<i64>,
}

fn blocks<'a>(h: &'a Headcount, a: &Asked<'_>) -> Vec<Block<'a>> {
    let mut out: Vec<Block<'a>> = h
        .shelters
        .iter()
        .map(|(id, counts)| Block {
            title: a
                .shelters
                .iter()
                .find(|s| s.id == *id)
                .map_or_else(|| format!("Shelter {id}"), |s| s.name.clone()),
            counts,
            shelter: Some(*id),
        })
        .collect();
    if out.len() != 1 {
        out.push(Block {
            title: "All shelters of this report (each person once)".into(),
            counts: &h.network,
            shelter: None,
        });
    }
    out
}

/// The figures of a block, in order: (CSV measure, label, value).
fn figures(c: &Counts) -> Vec<(String, String, i64)> {
    let mut f = vec![
        (
            "present_start".into(),
            "Present at the start".into(),
            c.start,
        ),
        ("arrivals".into(), "Arrivals".into(), c.arrivals),
        ("departures".into(), "Departures".into(), c.departed()),
    ];
    for (k, n) in DEPARTURE_KINDS.iter().zip(c.departures) {
        f.push((format!("departures_{k}"), format!("  {k}"), n));
    }
    f.extend([
        ("transfers_in".into(), "Transfers in".into(), c.transfers_in),
        (
            "transfers_out".into(),
            "Transfers out".into(),
            c.transfers_out,
        ),
        ("present_end".into(), "Present at the end".into(), c.end),
        (
            "served".into(),
            "People served in the period".into(),
            c.served,
        ),
    ]);
    f
}

const SEXES: [Sex; 4] = [Sex::Female, Sex::Male, Sex::Other, Sex::Unknown];

/// A breakdown: (CSV measure, title, [(category, count)]).
type Breakdown = (&'static str, &'static str, Vec<(String, i64)>);

fn breakdowns(c: &Counts, a: &Asked<'_>, shelter: Option<i64>) -> Vec<Breakdown> {
    let sections = a.sections;
    let mut sex_age = Vec::new();
    for sex in SEXES {
        for (g, group) in AGE_GROUPS.iter().enumerate() {
            let n = c.by_sex_age.get(&(sex.as_str(), g)).copied().unwrap_or(0);
            sex_age.push((format!("{sex} {group}"), n));
        }
    }
    let mut nationality: Vec<(String, i64)> = c
        .by_nationality
        .iter()
        .map(|(k, n)| (k.clone(), *n))
        .collect();
    nationality.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let section = c
        .by_section
        .iter()
        .map(|(id, n)| {
            let name = id
                .and_then(|id| sections.iter().find(|s| s.id == id))
                .map_or_else(
                    || "in no section".to_string(),
                    |s| match shelter {
                        Some(_) => format!("{} ({} beds now)", s.name, s.capacity),
                        None => s.name.clone(),
                    },
                );
            (name, *n)
        })
        .collect();
    vec![
        (
            "served_by_sex_age",
            "People served by sex and age group (age on the last day)",
            sex_age,
        ),
        (
            "served_by_nationality",
            "People served by nationality",
            nationality,
        ),
        (
            "present_end_by_section",
            "Present at the end by section",
            section,
        ),
    ]
}

/// The report in `format`.
pub fn render(h: &Headcount, a: &Asked<'_>, format: ReportFormat) -> String {
    match format {
        ReportFormat::Text => text(h, a),
        ReportFormat::Csv => csv(h, a),
        ReportFormat::Html => html(h, a),
    }
}

fn heading(a: &Asked<'_>) -> String {
    format!("Headcount from {} to {}", a.from, a.to)
}

fn text(h: &Headcount, a: &Asked<'_>) -> String {
    let mut out = heading(a);
    out.push('\n');
    if a.suppress {
        out.push_str("Counts from 1 to 4 are shown as <5.\n");
    }
    for b in blocks(h, a) {
        let _ = write!(out, "\n{}\n", b.title);
        for (_, label, n) in figures(b.counts) {
            let _ = writeln!(out, "  {label:<40}{:>10}", shown(n, a.suppress));
        }
        for (measure, title, cells) in breakdowns(b.counts, a, b.shelter) {
            let _ = writeln!(out, "  {title}");
            if measure == "served_by_sex_age" {
                let _ = write!(out, "    {:<9}", "");
                for g in AGE_GROUPS {
                    let _ = write!(out, "{g:>8}");
                }
                out.push('\n');
                for (i, sex) in SEXES.iter().enumerate() {
                    let _ = write!(out, "    {:<9}", sex.as_str());
                    for (_, n) in &cells[i * AGE_GROUPS.len()..(i + 1) * AGE_GROUPS.len()] {
                        let _ = write!(out, "{:>8}", shown(*n, a.suppress));
                    }
                    out.push('\n');
                }
            } else {
                for (name, n) in cells {
                    let _ = writeln!(out, "    {name:<46}{:>8}", shown(n, a.suppress));
                }
            }
        }
    }
    out
}

fn csv(h: &Headcount, a: &Asked<'_>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["from", "to", "shelter", "measure", "category", "count"]);
    let (from, to) = (a.from.to_string(), a.to.to_string());
    for b in blocks(h, a) {
        let shelter = if b.shelter.is_some() {
            b.title.as_str()
        } else {
            "all"
        };
        for (measure, _, n) in figures(b.counts) {
            let _ = w.write_record([&from, &to, shelter, &measure, "", &shown(n, a.suppress)]);
        }
        for (measure, _, cells) in breakdowns(b.counts, a, b.shelter) {
            for (category, n) in cells {
                let _ = w.write_record([
                    &from,
                    &to,
                    shelter,
                    measure,
                    &category,
                    &shown(n, a.suppress),
                ]);
            }
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html(h: &Headcount, a: &Asked<'_>) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\
         <title>Headcount</title><style>\
         body{font:11pt sans-serif;margin:1.5cm}section{page-break-after:always}\
         table{border-collapse:collapse;margin:.3em 0 1em}td,th{padding:1px 8px;text-align:right}\
         td:first-child,th:first-child{text-align:left}.bar{background:#555;height:.8em;display:inline-block}\
         @media print{section{break-after:page}}</style></head><body>\n",
    );
    for b in blocks(h, a) {
        let _ = write!(
            out,
            "<section><h1>{}</h1><p>{}</p>",
            escape(&b.title),
            escape(&heading(a))
        );
        if a.suppress {
            out.push_str("<p>Counts from 1 to 4 are shown as &lt;5.</p>");
        }
        out.push_str("<table>");
        for (_, label, n) in figures(b.counts) {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(label.trim()),
                escape(&shown(n, a.suppress))
            );
        }
        out.push_str("</table>");
        for (_, title, cells) in breakdowns(b.counts, a, b.shelter) {
            let top = cells.iter().map(|c| c.1).max().unwrap_or(0).max(1);
            let _ = write!(out, "<h2>{}</h2><table>", escape(title));
            for (name, n) in cells.iter().filter(|c| c.1 > 0) {
                // A suppressed cell draws no bar: its length would tell.
                let width = if a.suppress && *n < crate::domain::headcount::SMALL {
                    0
                } else {
                    n * 300 / top
                };
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td style=\"text-align:left\">\
                     <span class=\"bar\" style=\"width:{width}px\"></span></td></tr>",
                    escape(name),
                    escape(&shown(*n, a.suppress))
                );
            }
            out.push_str("</table>");
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body></html>\n");
    out
}
