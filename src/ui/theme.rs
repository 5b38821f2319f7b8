//! Colours and text styles, in one place so that every screen looks the same. Only the 16 ANSI
//! colours are used: they follow the admin's terminal theme (light or dark) and work everywhere.

use ratatui::style::{Color, Modifier, Style};

/// Titles and labels of the focused input.
pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

/// Secondary text: explanations, hints, placeholders.
pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn ok() -> Style {
    Style::new().fg(Color::Green)
}

pub fn error() -> Style {
    Style::new().fg(Color::Red)
}

pub fn warn() -> Style {
    Style::new().fg(Color::Yellow)
}

/// The selected entry of a list or the chosen button.
pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
}

/// Links and values to copy (IDs, commands).
pub fn accent() -> Style {
    Style::new().fg(Color::Cyan)
}

pub fn link() -> Style {
    Style::new()
        .fg(Color::Cyan)
        .add_modifier(Modifier::UNDERLINED)
}

/// A key in the help bar and in inline hints.
pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

/// The DEMO TENANT badge.
pub fn badge() -> Style {
    Style::new()
        .fg(Color::Black)
        .bg(Color::Yellow)
        .add_modifier(Modifier::BOLD)
}

/// A text field's box: underlined so that its extent shows even when empty.
pub fn field(focused: bool) -> Style {
    if focused {
        Style::new()
            .fg(Color::Yellow)
            .add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
    } else {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }
}

/// The label in front of an input.
pub fn label(focused: bool) -> Style {
    if focused {
        Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
    } else {
        Style::new()
    }
}

/// Braille spinner frames; `WizardState::spinner` picks one.
const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn spinner(frame: usize) -> &'static str {
    SPINNER[frame % SPINNER.len()]
}
