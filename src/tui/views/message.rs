//! The message for the person on screen, in their language, ready to copy.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::{centered, clear, key_hint, wrap};
use crate::domain::message::Kind;
use crate::i18n::t;
use crate::tui::app::{App, MessageAbout};
use crate::tui::keys::Action;

fn kind_key(kind: Kind) -> &'static str {
    match kind {
        Kind::Allocated => "message_allocated",
        Kind::Confirmed => "message_confirmed",
        Kind::Outage => "message_outage",
        Kind::Extended => "message_extended",
    }
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(lang) = app.message else { return };
    let Some((kind, text)) = app.person_message(lang) else {
        return;
    };
    let th = app.theme;
    let width = area.width.min(78);
    let inner = width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    for paragraph in text.lines() {
        lines.extend(wrap(paragraph, inner).into_iter().map(Line::raw));
    }
    let pane = centered(area, width, lines.len() as u16 + 2);
    clear(frame, pane);
    let about = match &kind {
        MessageAbout::Appointment(kind) => t(app.lang, kind_key(*kind)),
        MessageAbout::Step(step) => step.as_str(),
    };
    let title = format!(
        "{} · {about} · {}",
        t(app.lang, "message_title"),
        lang.name()
    );
    let key = |a: Action| app.keys.first_key(a);
    let hint = format!(
        "{}  {}/{} {}  {}",
        key_hint(app, &[Action::CopyMessage]),
        key(Action::Left),
        key(Action::Right),
        t(app.lang, "message_language"),
        key_hint(app, &[Action::Back]),
    );
    let block = Block::new()
        .borders(Borders::ALL)
        .title(Line::styled(title, th.title()))
        .title_bottom(Line::styled(hint, th.muted()));
    frame.render_widget(Paragraph::new(lines).block(block), pane);
}
