//! A secret on screen: masked with a fixed number of dots (the length is not given away) and
//! the hint Entra returns (its first characters), or the value itself once revealed.

use crate::i18n::tf;
use crate::ui::theme;
use ratatui::style::Modifier;
use ratatui::text::Span;
use secrecy::{ExposeSecret, SecretString};

/// Dots shown for a hidden secret, whatever its length.
pub const MASKED: &str = "••••••••••••••••";

pub fn spans(secret: &SecretString, hint: Option<&str>, revealed: bool) -> Vec<Span<'static>> {
    if revealed {
        return vec![Span::styled(
            secret.expose_secret().to_string(),
            theme::warn().add_modifier(Modifier::BOLD),
        )];
    }
    let mut out = vec![Span::raw(MASKED)];
    if let Some(hint) = hint.filter(|h| !h.is_empty()) {
        out.push(Span::styled(
            format!(" {}", tf("secret.starts_with", &[("hint", hint)])),
            theme::dim(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(spans: &[Span]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn the_value_shows_only_when_revealed() {
        let secret = SecretString::from("Q8~abcdefghijklmnopqrstuvwxyz0123456789");
        let hidden = text(&spans(&secret, Some("Q8~"), false));
        assert!(!hidden.contains("abcdef") && hidden.contains("Q8~") && hidden.contains('•'));
        let shown = text(&spans(&secret, Some("Q8~"), true));
        assert_eq!(shown, "Q8~abcdefghijklmnopqrstuvwxyz0123456789");
    }
}
