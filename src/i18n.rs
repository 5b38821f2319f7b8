//! Every visible word goes through this catalogue, so that a translation needs no screen
//! rewrite. The English catalogue is `assets/i18n/en/*.toml` (split by who owns the words:
//! screens, key help, status sentences), compiled in; keys are `section.name`.
//! `{name}` placeholders are filled by `tf`.

use std::collections::HashMap;
use std::sync::OnceLock;

const EN: &[(&str, &str)] = &[
    ("ui.toml", include_str!("../assets/i18n/en/ui.toml")),
    ("keys.toml", include_str!("../assets/i18n/en/keys.toml")),
    ("status.toml", include_str!("../assets/i18n/en/status.toml")),
];

fn catalogue() -> &'static HashMap<String, String> {
    static CATALOGUE: OnceLock<HashMap<String, String>> = OnceLock::new();
    CATALOGUE.get_or_init(|| load(EN).unwrap_or_default())
}

/// Flattens `[section] name = "text"` files into `section.name → text`; a key defined twice is
/// an error (the tests load the catalogue through this and fail on it).
fn load(files: &[(&str, &str)]) -> Result<HashMap<String, String>, String> {
    let mut map = HashMap::new();
    for (file, text) in files {
        let table: toml::Table = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        flatten("", &toml::Value::Table(table), &mut map, file)?;
    }
    Ok(map)
}

fn flatten(
    prefix: &str,
    value: &toml::Value,
    out: &mut HashMap<String, String>,
    file: &str,
) -> Result<(), String> {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out, file)?;
            }
            Ok(())
        }
        toml::Value::String(s) => {
            if out.insert(prefix.to_string(), s.clone()).is_some() {
                return Err(format!("{file}: '{prefix}' is defined twice"));
            }
            Ok(())
        }
        other => Err(format!("{file}: '{prefix}' is {other:?}, not text")),
    }
}

/// The text for `key`; an unknown key shows itself (and `every_key_used_in_src_exists` fails).
pub fn t(key: &str) -> &str {
    catalogue().get(key).map(String::as_str).unwrap_or(key)
}

/// The text for `key` with `{name}` placeholders replaced.
pub fn tf(key: &str, args: &[(&str, &str)]) -> String {
    let mut text = t(key).to_string();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_loads_without_duplicates() {
        load(EN).unwrap();
    }

    #[test]
    fn placeholders_are_filled() {
        let map = load(&[("x", "[a]\nb = \"Hello {name}!\"")]).unwrap();
        assert_eq!(map["a.b"], "Hello {name}!");
        assert!(load(&[("x", "[a]\nb = \"1\""), ("y", "[a]\nb = \"2\"")]).is_err());
    }

    /// Every `t("…")`, `tf("…"` and `…_key: "…"` in the sources names a catalogue entry.
    #[test]
    fn every_key_used_in_src_exists() {
        let catalogue = load(EN).unwrap();
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") || path.ends_with("i18n.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for key in keys_in(&text) {
                    if !catalogue.contains_key(&key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from assets/i18n/en:\n{}",
            missing.join("\n")
        );
    }

    /// Catalogue keys in Rust source: the literal after `t("`, `tf("` or `_key: "`, and
    /// string literals returned by `*_key()` functions written as `=> "section.name"`.
    fn keys_in(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for marker in ["t(\"", "tf(\"", "_key: \"", "=> \""] {
            let mut rest = text;
            while let Some(i) = rest.find(marker) {
                let before = &rest[..i];
                rest = &rest[i + marker.len()..];
                // `t("` must not be the end of another identifier (e.g. `print("`).
                if (marker == "t(\"" || marker == "tf(\"")
                    && before
                        .chars()
                        .last()
                        .is_some_and(|c| c.is_alphanumeric() || c == '_')
                {
                    continue;
                }
                let Some(end) = rest.find('"') else { break };
                let key = &rest[..end];
                let looks_like_key = key.contains('.')
                    && !key.contains(' ')
                    && key.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'
                    });
                if looks_like_key && (marker != "=> \"" || key.split('.').count() == 2) {
                    keys.push(key.to_string());
                }
            }
        }
        keys
    }
}
