//! Help: every key of the current screen, generated from the key map.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::{centered, clear};
use crate::i18n::t;
use crate::tui::app::App;
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
    // One column when it fits, else two side by side; on a phone one
    // column that scrolls (↓ ↑), so that no label is cut.
    let room = area.height.saturating_sub(2) as usize;
    let phone = super::narrow(area);
    if phone {
        let kw = actions
            .iter()
            .map(|&a| app.keys.keys_of(a).chars().count())
            .max()
            .unwrap_or(1);
        let lines: Vec<Line> = actions.iter().map(|&a| line(a, kw)).collect();
        let pane = centered(area, area.width, (lines.len() as u16 + 2).min(area.height));
        clear(frame, pane);
        let last = actions.len().saturating_sub(room) as u16;
        let scroll = app.help_scroll.min(last);
        let more = if scroll < last { " ↓" } else { "" };
        let title = format!("{}{more}", t(lang, "help_title"));
        let block = Block::new()
            .borders(Borders::ALL)
            .title(Line::styled(title, th.title()));
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .scroll((scroll, 0))
                .block(block),
            pane,
        );
        return;
    }
    // Each column as wide as its keys and labels: a label is never cut
    // while the pane has room (at 60 columns the labels of two equal
    // halves were).
    let key_width = |chunk: &[Action]| {
        chunk
            .iter()
            .map(|&a| app.keys.keys_of(a).chars().count())
            .max()
            .unwrap_or(1)
    };
    let need = |chunk: &[Action]| {
        let label = chunk
            .iter()
            .map(|&a| t(lang, a.label_key()).chars().count())
            .max()
            .unwrap_or(0);
        (key_width(chunk) + label + 3) as u16
    };
    // One column when it fits; else two, split where they are narrowest
    // (a wide key or label kept out of the column of the others).
    // Either may be the longer, by a line or more.
    let n = actions.len();
    let chunks: Vec<&[Action]> = if n <= room {
        vec![&actions[..]]
    } else {
        // The most even split that fits the screen, else the narrowest.
        let splits = n.saturating_sub(room).max(1)..=room.max(n.div_ceil(2)).min(n - 1);
        let width = |k: usize| need(&actions[..k]) + need(&actions[k..]) + 2;
        let k = splits
            .clone()
            .filter(|&k| width(k) <= area.width)
            .min_by_key(|&k| (n.abs_diff(2 * k), width(k)))
            .or_else(|| splits.min_by_key(|&k| (width(k), n.abs_diff(2 * k))))
            .unwrap_or(n.div_ceil(2));
        let (a, b) = actions.split_at(k);
        vec![a, b]
    };
    let per_column = chunks.iter().map(|c| c.len()).max().unwrap_or(1);
    let content: u16 = chunks.iter().map(|c| need(c)).sum::<u16>() + 2;
    let width = content.max(40).min(area.width);
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
    let mut widths: Vec<Constraint> = chunks.iter().map(|c| Constraint::Length(need(c))).collect();
    if let Some(last) = widths.last_mut() {
        *last = Constraint::Min(0);
    }
    let halves = Layout::horizontal(widths).split(inner);
    for (chunk, column) in chunks.iter().zip(halves.iter()) {
        let kw = key_width(chunk);
        let lines: Vec<Line> = chunk.iter().map(|&a| line(a, kw)).collect();
        frame.render_widget(Paragraph::new(lines), *column);
    }
}
