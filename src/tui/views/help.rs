//! Help: every key of the current screen, generated from the key map.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::{action_key, centered, clear};
use crate::tui::app::App;
use crate::tui::i18n::t;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lang = app.lang;
    let th = app.theme;
    let actions = app.screen.actions();
    let lines: Vec<Line> = actions
        .iter()
        .map(|&a| {
            Line::from(vec![
                Span::styled(format!(" {:<16}", app.keys.keys_of(a)), th.key()),
                Span::raw(t(lang, action_key(a))),
            ])
        })
        .collect();
    let pane = centered(area, 56, lines.len() as u16 + 2);
    clear(frame, pane);
    let title = format!("{} · {}", t(lang, "help_title"), t(lang, app.screen.title_key()));
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::new()
                .borders(Borders::ALL)
                .title(Line::styled(title, th.title())),
        ),
        pane,
    );
}
