//! A single-line text field: value and cursor (in characters), editing by keys and paste.
//! Pure data; `ui::widgets` draws it.

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextField {
    value: String,
    /// Cursor position in characters, 0..=len.
    cursor: usize,
}

impl TextField {
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        let cursor = value.chars().count();
        Self { value, cursor }
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// Replaces the whole value; the cursor goes to the end.
    pub fn set(&mut self, value: impl Into<String>) {
        *self = Self::new(value);
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }

    fn byte_index(&self, chars: usize) -> usize {
        self.value
            .char_indices()
            .nth(chars)
            .map(|(i, _)| i)
            .unwrap_or(self.value.len())
    }

    pub fn insert_char(&mut self, c: char) {
        if c.is_control() {
            return;
        }
        let i = self.byte_index(self.cursor);
        self.value.insert(i, c);
        self.cursor += 1;
    }

    /// Pastes text; line breaks and other control characters are dropped (single line).
    pub fn paste(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_control()) {
            self.insert_char(c);
        }
    }

    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let i = self.byte_index(self.cursor);
            self.value.remove(i);
        }
    }

    pub fn delete(&mut self) {
        if self.cursor < self.value.chars().count() {
            let i = self.byte_index(self.cursor);
            self.value.remove(i);
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.value.chars().count());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.value.chars().count();
    }

    /// Ctrl+U: clears the field.
    pub fn clear(&mut self) {
        self.set("");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_in_the_middle_of_multibyte_text() {
        let mut f = TextField::new("Müller");
        f.home();
        f.right();
        f.right();
        f.insert_char('x');
        assert_eq!(f.value(), "Müxller");
        f.backspace();
        f.delete();
        assert_eq!(f.value(), "Müler");
        f.end();
        f.paste("\nGmbH\t!");
        assert_eq!(f.value(), "MülerGmbH!");
        assert_eq!(f.cursor(), 10);
    }
}
