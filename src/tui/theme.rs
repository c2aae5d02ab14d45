//! Semantic styles. Views ask for "urgent" or "selected"; only this file
//! names colours.

use ratatui::style::{Color, Modifier, Style};

/// How the screen is painted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// No colours: bold, underline and reverse only.
    pub mono: bool,
    /// Low-bandwidth mode: mono, no charts, selection shown by a marker.
    pub low_bandwidth: bool,
}

impl Theme {
    /// The colour theme.
    pub const COLOR: Self = Self {
        mono: false,
        low_bandwidth: false,
    };
    /// The monochrome theme.
    pub const MONO: Self = Self {
        mono: true,
        low_bandwidth: false,
    };
    /// Monochrome, no charts, marker selection.
    pub const LOW_BANDWIDTH: Self = Self {
        mono: true,
        low_bandwidth: true,
    };

    fn fg(self, c: Color) -> Style {
        if self.mono {
            Style::new()
        } else {
            Style::new().fg(c)
        }
    }

    /// Ordinary text.
    pub fn text(self) -> Style {
        Style::new()
    }
    /// Titles of panes and the app bar.
    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// The tab of the current screen.
    pub fn tab(self, active: bool) -> Style {
        if active {
            self.fg(Color::Cyan)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        } else {
            self.muted()
        }
    }
    /// Table headers.
    pub fn header(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    /// The selected row (unused in low-bandwidth mode, which marks it instead).
    pub fn selected(self) -> Style {
        if self.mono {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new().bg(Color::Blue).fg(Color::White)
        }
    }
    /// `style` on the selected row: a colour over the selection's blue is
    /// hard to read (red on blue), so it takes the selection's colours and
    /// keeps only its weight.
    pub fn on_selection(self, style: Style, selected: bool) -> Style {
        if selected && !self.low_bandwidth {
            self.selected().add_modifier(style.add_modifier)
        } else {
            style
        }
    }
    /// Less important text.
    pub fn muted(self) -> Style {
        if self.mono {
            Style::new()
        } else {
            Style::new().fg(Color::DarkGray)
        }
    }
    /// Needs action now (deadline within hours, outage).
    pub fn urgent(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    /// Needs action soon.
    pub fn warning(self) -> Style {
        self.fg(Color::Yellow)
    }
    /// Done, fine.
    pub fn ok(self) -> Style {
        self.fg(Color::Green)
    }
    /// The outage banner.
    pub fn banner(self) -> Style {
        if self.mono {
            Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED)
        } else {
            Style::new()
                .bg(Color::Red)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        }
    }
    /// Key names in the footer and help.
    pub fn key(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    /// Bars and sparklines.
    pub fn chart(self) -> Style {
        self.fg(Color::Cyan)
    }
    /// Status messages that report a failure.
    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
}
