//! A dashboard session at a given terminal size, driven by keys and
//! answered by a real store, drawn to a test terminal of that size.

use albergue::i18n::Lang;
use albergue::store::{BulkData, Store};
use albergue::tui::app::{App, SessionSettings};
use albergue::tui::keys::KeyMap;
use albergue::tui::message::{Msg, Request};
use albergue::tui::theme::Theme;
use albergue::tui::update::update;
use albergue::tui::{views, worker};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// A demo database and one session on it.
pub struct World {
    _dir: tempfile::TempDir,
    /// The database file.
    pub path: std::path::PathBuf,
    /// The store the session's requests are answered by.
    pub store: Store,
    /// The session.
    pub app: App,
}

impl World {
    /// `people` of the demo (seed 1) at the fixed clock, an English
    /// session of the first shelter at `size`.
    pub fn new(people: usize, size: (u16, u16)) -> Self {
        Self::with(&super::demo_data(people, 1), Lang::En, size)
    }

    /// A session on `data` in `lang` at `size`.
    pub fn with(data: &BulkData, lang: Lang, size: (u16, u16)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (path, store) = super::store_with(dir.path(), data);
        let shelter = store.shelters().unwrap().into_iter().next();
        let app = App::new(
            super::now(),
            SessionSettings::local(lang, Theme::COLOR, KeyMap::default(), size),
            shelter,
        );
        let mut w = Self {
            _dir: dir,
            path,
            store,
            app,
        };
        let start = w.app.start();
        w.serve(start);
        w
    }

    /// Answers requests, and those their answers make, until none are left.
    pub fn serve(&mut self, mut pending: Vec<Request>) {
        while let Some(r) = pending.pop() {
            let reply = worker::answer(&mut self.store, &self.app.actor, &r);
            pending.extend(update(&mut self.app, Msg::Reply(reply)));
        }
    }

    /// One key with modifiers.
    pub fn key(&mut self, code: KeyCode, mods: KeyModifiers) {
        let reqs = update(&mut self.app, Msg::Key(KeyEvent::new(code, mods)));
        self.serve(reqs);
    }

    /// Keys without modifiers.
    pub fn keys(&mut self, codes: &[KeyCode]) {
        for &c in codes {
            self.key(c, KeyModifiers::NONE);
        }
    }

    /// Typed text, one key a character.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    /// Ctrl-S.
    pub fn save(&mut self) {
        self.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    }

    /// Tab on in the open form until the field `label` has the focus.
    pub fn focus_on(&mut self, label: &str) {
        for _ in 0..30 {
            let form = self.app.form.as_ref().expect("a form is open");
            if form.fields[form.focus].label == label {
                return;
            }
            self.keys(&[KeyCode::Tab]);
        }
        panic!("no field {label} in the form");
    }

    /// A new terminal size.
    pub fn resize(&mut self, size: (u16, u16)) {
        let reqs = update(&mut self.app, Msg::Resize(size.0, size.1));
        self.serve(reqs);
    }

    /// The screen as text, one line a row, at the session's size.
    pub fn screen(&self) -> String {
        let (w, h) = self.app.size;
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| views::render(&self.app, f)).unwrap();
        let buf = t.backend().buffer();
        (0..h)
            .map(|y| {
                (0..w)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The drawn screen, cell by cell (symbols and styles).
    pub fn buffer(&self) -> ratatui::buffer::Buffer {
        let (w, h) = self.app.size;
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| views::render(&self.app, f)).unwrap();
        t.backend().buffer().clone()
    }

    /// Where the caret is after drawing (column, row), if shown: a frame
    /// that shows none leaves the test terminal's cursor at its origin,
    /// where no view ever puts a caret (a form's border is there).
    pub fn caret(&self) -> Option<(u16, u16)> {
        use ratatui::backend::Backend;
        let (w, h) = self.app.size;
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| views::render(&self.app, f)).unwrap();
        let p = t.backend_mut().get_cursor_position().unwrap();
        (p != ratatui::layout::Position::ORIGIN).then_some((p.x, p.y))
    }
}
