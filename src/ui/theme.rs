//! Colours and text styles, in one place so that every screen looks the same. Only the 16 ANSI
//! colours are used: they follow the admin's terminal theme (light or dark) and work everywhere.
//!
//! Colour never carries meaning alone: a selection is reversed, the focus bold and marked (▶),
//! results have their ✓/✗/! markers. So with `NO_COLOR` (https://no-color.org) every style
//! here drops its colours (`paint`) and keeps its bold, underline and reverse video, and the
//! demo badge turns to reverse video.

use ratatui::style::{Color, Modifier, Style};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

/// The process's choice: set once at start from the environment (`use_no_color`).
static NO_COLOR: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// `set_no_color_here`'s choice for this thread (tests).
    static NO_COLOR_HERE: Cell<Option<bool>> = const { Cell::new(None) };
}

/// NO_COLOR's convention: set to anything but the empty string means no colours.
pub fn no_color_requested(value: Option<&str>) -> bool {
    value.is_some_and(|v| !v.is_empty())
}

/// Draws without colours from now on (the wizard calls this at start when `NO_COLOR` is set).
pub fn use_no_color(no_color: bool) {
    NO_COLOR.store(no_color, Ordering::Relaxed);
}

/// Overrides the choice on the calling thread only (None: the process's choice again), so a
/// test can draw both ways while others run.
pub fn set_no_color_here(no_color: Option<bool>) {
    NO_COLOR_HERE.set(no_color);
}

fn no_color() -> bool {
    NO_COLOR_HERE
        .get()
        .unwrap_or_else(|| NO_COLOR.load(Ordering::Relaxed))
}

/// `style` as this terminal gets it: without colours under NO_COLOR.
fn paint(style: Style) -> Style {
    if no_color() {
        Style {
            fg: None,
            bg: None,
            underline_color: None,
            ..style
        }
    } else {
        style
    }
}

/// Titles and labels of the focused input.
pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

/// Secondary text: explanations, hints, placeholders.
pub fn dim() -> Style {
    if no_color() {
        // Faint instead of grey: still told apart from the main text.
        Style::new().add_modifier(Modifier::DIM)
    } else {
        Style::new().fg(Color::DarkGray)
    }
}

pub fn ok() -> Style {
    paint(Style::new().fg(Color::Green))
}

pub fn error() -> Style {
    paint(Style::new().fg(Color::Red))
}

pub fn warn() -> Style {
    paint(Style::new().fg(Color::Yellow))
}

/// The selected entry of a list or the chosen button.
pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
}

/// Links and values to copy (IDs, commands).
pub fn accent() -> Style {
    paint(Style::new().fg(Color::Cyan))
}

pub fn link() -> Style {
    paint(
        Style::new()
            .fg(Color::Cyan)
            .add_modifier(Modifier::UNDERLINED),
    )
}

/// A key in the help bar and in inline hints.
pub fn key() -> Style {
    paint(Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD))
}

/// The DEMO TENANT badge.
pub fn badge() -> Style {
    if no_color() {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    } else {
        Style::new()
            .fg(Color::Black)
            .bg(Color::Yellow)
            .add_modifier(Modifier::BOLD)
    }
}

/// A text field's box: underlined so that its extent shows even when empty.
pub fn field(focused: bool) -> Style {
    if focused {
        paint(
            Style::new()
                .fg(Color::Yellow)
                .add_modifier(Modifier::UNDERLINED | Modifier::BOLD),
        )
    } else {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }
}

/// The label in front of an input.
pub fn label(focused: bool) -> Style {
    if focused {
        paint(Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD))
    } else {
        Style::new()
    }
}

/// Braille spinner frames; `WizardState::spinner` picks one.
const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

pub fn spinner(frame: usize) -> &'static str {
    SPINNER[frame % SPINNER.len()]
}
