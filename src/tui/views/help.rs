//! Help: every key of the current screen, generated from the key map.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::{centered, clear};
use crate::tui::app::App;
use crate::tui::i18n::t;
use crate::tui::keys::Action;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let th = app.theme;
    let actions = app.actions();
    let line = |a: Action, key_width: usize| {
        Line::from(vec![
            Span::styled(format!(" {:<key_width$} ", app.keys.keys_of(a)), th.key()),
            Span::raw(t(lang, a.label_key())),
        ])
    };
    // One column when it fits, else two side by side.
    let room = area.height.saturating_sub(2) as usize;
    let columns = if actions.len() <= room { 1 } else { 2 };
    let per_column = actions.len().div_ceil(columns);
    let (width, key_width) = if columns == 1 { (56, 15) } else { (78, 13) };
    let pane = centered(area, width, per_column as u16 + 2);
    clear(frame, pane);
    let title = format!(
        "{} · {}",
        t(lang, "help_title"),
        t(lang, app.screen.title_key())
    );
    let block = Block::new()
        .borders(Borders::ALL)
        .title(Line::styled(title, th.title()));
    let inner = block.inner(pane);
    frame.render_widget(block, pane);
    let halves =
        Layout::horizontal(vec![Constraint::Ratio(1, columns as u32); columns]).split(inner);
    for (chunk, column) in actions.chunks(per_column).zip(halves.iter()) {
        let lines: Vec<Line> = chunk.iter().map(|&a| line(a, key_width)).collect();
        frame.render_widget(Paragraph::new(lines), *column);
    }
}
