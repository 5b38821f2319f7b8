//! Every visible word goes through this catalogue, so that a translation needs no screen
//! rewrite. There is an English and a German catalogue, `assets/i18n/{en,de}/*.toml` (split by
//! who owns the words: screens, key help, status sentences, the engine's sentences), compiled in;
//! keys are `section.name`. `{name}` placeholders are filled by `tf`.
//!
//! The language is chosen once per process: the wizard calls `set_language` at startup (the
//! `--lang` flag, else the system locale, see `detect`). Nobody else does, so everything else —
//! the command-line subcommands, unit and snapshot tests — gets English whatever the machine's
//! locale is.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

const EN: &[(&str, &str)] = &[
    ("ui.toml", include_str!("../assets/i18n/en/ui.toml")),
    ("keys.toml", include_str!("../assets/i18n/en/keys.toml")),
    ("status.toml", include_str!("../assets/i18n/en/status.toml")),
    ("engine.toml", include_str!("../assets/i18n/en/engine.toml")),
];

const DE: &[(&str, &str)] = &[
    ("ui.toml", include_str!("../assets/i18n/de/ui.toml")),
    ("keys.toml", include_str!("../assets/i18n/de/keys.toml")),
    ("status.toml", include_str!("../assets/i18n/de/status.toml")),
    ("engine.toml", include_str!("../assets/i18n/de/engine.toml")),
];

/// A language of the screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    English,
    German,
}

/// The process-wide language; English until `set_language` says otherwise.
static LANGUAGE: AtomicU8 = AtomicU8::new(0);

/// Chooses the language of every text from now on. Called once at startup, before anything is
/// drawn.
pub fn set_language(language: Language) {
    let code = match language {
        Language::English => 0,
        Language::German => 1,
    };
    LANGUAGE.store(code, Ordering::Relaxed);
}

thread_local! {
    /// `with_language`'s choice for this thread, if it is running.
    static OVERRIDE: Cell<Option<Language>> = const { Cell::new(None) };
}

/// Runs `f` with `t` and `tf` answering in `language` on this thread only, whatever the
/// process-wide language is: log texts that must stay English (`AuthError::detail`), and unit
/// tests that render German while other test threads render English.
pub fn with_language<R>(language: Language, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Language>);
    impl Drop for Restore {
        fn drop(&mut self) {
            OVERRIDE.set(self.0);
        }
    }
    let _restore = Restore(OVERRIDE.replace(Some(language)));
    f()
}

/// The language `t` and `tf` use now.
pub fn language() -> Language {
    if let Some(language) = OVERRIDE.get() {
        return language;
    }
    match LANGUAGE.load(Ordering::Relaxed) {
        1 => Language::German,
        _ => Language::English,
    }
}

/// The language for the wizard: the `--lang` flag when given, else the locale. `env` reads an
/// environment variable; `system` asks the operating system, and is only asked when none of
/// the POSIX variables is set (as on Windows and usually macOS).
///
/// POSIX order: the first non-empty of `LC_ALL`, `LC_MESSAGES`, `LANG` decides, so
/// `LC_ALL=C` means English even with `LANG=de_DE.UTF-8`.
pub fn detect(
    flag: Option<Language>,
    env: impl Fn(&str) -> Option<String>,
    system: impl FnOnce() -> Option<String>,
) -> Language {
    if let Some(language) = flag {
        return language;
    }
    let posix = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(&env)
        .find(|value| !value.trim().is_empty());
    match posix {
        Some(locale) => from_locale(&locale),
        None => system().map_or(Language::English, |locale| from_locale(&locale)),
    }
}

/// `detect` with this process's environment and the system's locale.
pub fn detect_from_system(flag: Option<Language>) -> Language {
    detect(
        flag,
        |name| std::env::var(name).ok(),
        sys_locale::get_locale,
    )
}

/// The language of a locale name: POSIX (`de_DE.UTF-8`, `de_CH@euro`, `C`) or BCP 47 (`de-AT`,
/// what Windows and macOS report). German for any German locale, English for everything else.
pub fn from_locale(locale: &str) -> Language {
    let language = locale
        .trim()
        .split(['_', '-', '.', '@'])
        .next()
        .unwrap_or_default();
    if language.eq_ignore_ascii_case("de") {
        Language::German
    } else {
        Language::English
    }
}

fn english() -> &'static HashMap<String, String> {
    static CATALOGUE: OnceLock<HashMap<String, String>> = OnceLock::new();
    CATALOGUE.get_or_init(|| load(EN).unwrap_or_default())
}

fn german() -> &'static HashMap<String, String> {
    static CATALOGUE: OnceLock<HashMap<String, String>> = OnceLock::new();
    // A broken German file (the tests catch that) leaves every text English, not raw keys.
    CATALOGUE.get_or_init(|| load(DE).unwrap_or_default())
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

/// `key` in `translation`, else in `english`, else the key itself (so a gap in a translation
/// shows English, never a raw key).
fn lookup<'a>(
    translation: Option<&'a HashMap<String, String>>,
    english: &'a HashMap<String, String>,
    key: &'a str,
) -> &'a str {
    translation
        .and_then(|map| map.get(key))
        .or_else(|| english.get(key))
        .map_or(key, String::as_str)
}

/// The text for `key` in `language`, whatever the process-wide language is (tests that look
/// for German on a real terminal use this).
pub fn text(language: Language, key: &str) -> &str {
    let translation = match language {
        Language::English => None,
        Language::German => Some(german()),
    };
    lookup(translation, english(), key)
}

/// The text for `key`; an unknown key shows itself (and `every_key_used_in_src_exists` fails).
pub fn t(key: &str) -> &str {
    text(language(), key)
}

/// A calendar day in the catalogue's long format (`format.long_date`: "1 April 2027",
/// "01.04.2027"). Dates that are facts rather than moments (EWS's end) need no time zone.
pub fn long_date(day: chrono::NaiveDate) -> String {
    day.format(t("format.long_date")).to_string()
}

/// The plural category of `n` in `language` (CLDR cardinal rules). English and German share
/// the rule "one: exactly 1; other: everything else" — the whole of CLDR's table for these two
/// languages, so it is written here rather than pulling in a plural-rules crate; a language
/// with more categories (few, many) adds its arm here and its entries in the catalogue.
pub fn plural_category(language: Language, n: u64) -> &'static str {
    match language {
        Language::English | Language::German => {
            if n == 1 {
                "one"
            } else {
                "other"
            }
        }
    }
}

/// A text that depends on a count: the catalogue holds `key.one`, `key.other` (and whatever
/// other categories the language has); `n` picks one by the language's plural rule and fills
/// `{n}`, `args` the other placeholders. "1 older secret", "2 older secrets", never
/// "secret(s)".
pub fn tn(key: &str, n: u64, args: &[(&str, &str)]) -> String {
    let category = plural_category(language(), n);
    let specific = format!("{key}.{category}");
    let text = match t(&specific) {
        missing if missing == specific => t(&format!("{key}.other")).to_string(),
        found => found.to_string(),
    };
    let count = n.to_string();
    let mut all = vec![("n", count.as_str())];
    all.extend_from_slice(args);
    fill(&text, &all)
}

/// A calendar day in the language's one date format (`format.date`: "30 Oct 2026",
/// "30.10.2026"), for every date a screen or a sentence shows.
pub fn date(day: chrono::NaiveDate) -> String {
    day.format(t("format.date")).to_string()
}

/// A moment given in UTC (journal entries, interrupted runs), in the language's date and time
/// formats and marked UTC: "26 Nov 2026, 16:40 UTC", "26.11.2026, 16:40 UTC".
pub fn date_time_utc(at: chrono::DateTime<chrono::Utc>) -> String {
    tf(
        "format.date_time_utc",
        &[
            ("date", &date(at.date_naive())),
            ("time", &at.format(t("format.time")).to_string()),
        ],
    )
}

/// The text for `key` with `{name}` placeholders replaced.
pub fn tf(key: &str, args: &[(&str, &str)]) -> String {
    fill(t(key), args)
}

/// Replaces each `{name}` of `text` that `args` names, in one pass: a value is never searched
/// for placeholders itself (a typed mailbox or Entra's message may hold braces).
fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let (_, value) = args.iter().find(|(n, _)| *n == name)?;
            Some((value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_loads_without_duplicates() {
        load(EN).unwrap();
    }

    #[test]
    fn the_german_catalogue_loads_without_duplicates() {
        load(DE).unwrap();
    }

    #[test]
    fn placeholders_are_filled() {
        let map = load(&[("x", "[a]\nb = \"Hello {name}!\"")]).unwrap();
        assert_eq!(map["a.b"], "Hello {name}!");
        assert!(load(&[("x", "[a]\nb = \"1\""), ("y", "[a]\nb = \"2\"")]).is_err());
    }

    fn sorted_keys(map: &HashMap<String, String>) -> Vec<&str> {
        let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys
    }

    #[test]
    fn german_has_exactly_the_english_keys() {
        let en = load(EN).unwrap();
        let de = load(DE).unwrap();
        let missing: Vec<&str> = sorted_keys(&en)
            .into_iter()
            .filter(|k| !de.contains_key(*k))
            .collect();
        let extra: Vec<&str> = sorted_keys(&de)
            .into_iter()
            .filter(|k| !en.contains_key(*k))
            .collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "missing from assets/i18n/de: {missing:?}; not in assets/i18n/en: {extra:?}"
        );
    }

    /// The `{name}` placeholders of a text, sorted.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut names = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            rest = &rest[open + 1..];
            let Some(close) = rest.find('}') else { break };
            names.push(&rest[..close]);
            rest = &rest[close + 1..];
        }
        names.sort_unstable();
        names.dedup();
        names
    }

    #[test]
    fn german_texts_have_the_english_placeholders() {
        let en = load(EN).unwrap();
        let de = load(DE).unwrap();
        let mut wrong = Vec::new();
        for key in sorted_keys(&en) {
            if let Some(german) = de.get(key)
                && placeholders(german) != placeholders(&en[key])
            {
                wrong.push(format!(
                    "{key}: {:?} ≠ {:?}",
                    placeholders(german),
                    placeholders(&en[key])
                ));
            }
        }
        assert!(
            wrong.is_empty(),
            "placeholders differ:\n{}",
            wrong.join("\n")
        );
    }

    #[test]
    fn a_key_missing_from_the_translation_falls_back_to_english() {
        let en = load(&[("en", "[a]\nb = \"English\"\nc = \"Only English\"")]).unwrap();
        let de = load(&[("de", "[a]\nb = \"Deutsch\"")]).unwrap();
        assert_eq!(lookup(Some(&de), &en, "a.b"), "Deutsch");
        assert_eq!(lookup(Some(&de), &en, "a.c"), "Only English");
        assert_eq!(lookup(None, &en, "a.b"), "English");
        assert_eq!(lookup(Some(&de), &en, "a.unknown"), "a.unknown");
    }

    #[test]
    fn the_real_catalogues_answer_in_their_language() {
        assert_eq!(text(Language::English, "quit.stay"), "Stay");
        assert_eq!(text(Language::German, "quit.stay"), "Bleiben");
        assert_eq!(text(Language::German, "no.such_key"), "no.such_key");
        // Nobody set a language in this process: English.
        assert_eq!(language(), Language::English);
        assert_eq!(t("quit.stay"), "Stay");
    }

    #[test]
    fn placeholders_are_filled_once_and_values_are_left_alone() {
        assert_eq!(
            fill(
                "'{mailbox}' is wrong: {error}",
                &[("mailbox", "{error}@x"), ("error", "E")]
            ),
            "'{error}@x' is wrong: E"
        );
        assert_eq!(fill("{a} {unknown} {a", &[("a", "1")]), "1 {unknown} {a");
        assert_eq!(fill("no placeholders", &[("a", "1")]), "no placeholders");
        assert_eq!(fill("{a}{b}", &[("a", "}"), ("b", "{")]), "}{");
    }

    #[test]
    fn with_language_holds_for_this_thread_and_the_closure_only() {
        let german = with_language(Language::German, || t("quit.stay").to_string());
        assert_eq!(german, "Bleiben");
        let nested = with_language(Language::German, || {
            with_language(Language::English, || t("quit.stay").to_string()) + t("quit.stay")
        });
        assert_eq!(nested, "StayBleiben");
        assert_eq!(t("quit.stay"), "Stay");
        let other_thread = with_language(Language::German, || {
            std::thread::spawn(|| t("quit.stay").to_string())
                .join()
                .unwrap()
        });
        assert_eq!(other_thread, "Stay");
    }

    /// `detect` with these environment variables and this system locale.
    fn detected(flag: Option<Language>, vars: &[(&str, &str)], system: Option<&str>) -> Language {
        let env = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        };
        detect(flag, env, || system.map(str::to_string))
    }

    #[test]
    fn the_flag_beats_the_locale() {
        use Language::{English, German};
        let german_env = [("LANG", "de_DE.UTF-8")];
        assert_eq!(detected(Some(English), &german_env, None), English);
        assert_eq!(detected(Some(German), &[("LANG", "C")], None), German);
        assert_eq!(detected(Some(German), &[], Some("en-US")), German);
    }

    #[test]
    fn the_first_non_empty_posix_variable_decides() {
        use Language::{English, German};
        assert_eq!(detected(None, &[("LANG", "de_DE.UTF-8")], None), German);
        assert_eq!(
            detected(None, &[("LC_ALL", "C"), ("LANG", "de_DE.UTF-8")], None),
            English
        );
        assert_eq!(
            detected(
                None,
                &[("LC_ALL", ""), ("LC_MESSAGES", "de_AT"), ("LANG", "C")],
                None
            ),
            German
        );
        assert_eq!(
            detected(None, &[("LC_MESSAGES", "POSIX"), ("LANG", "de_DE")], None),
            English
        );
        // A set variable is never overruled by the system's locale.
        assert_eq!(
            detected(None, &[("LANG", "C.UTF-8")], Some("de-DE")),
            English
        );
    }

    #[test]
    fn without_posix_variables_the_system_locale_decides() {
        use Language::{English, German};
        assert_eq!(detected(None, &[], Some("de-DE")), German);
        assert_eq!(detected(None, &[("LANG", " ")], Some("de-CH")), German);
        assert_eq!(detected(None, &[], Some("fr-FR")), English);
        assert_eq!(detected(None, &[], None), English);
    }

    #[test]
    fn locale_names() {
        use Language::{English, German};
        for german in ["de", "de_DE.UTF-8", "de_AT", "de_CH@euro", "de-DE", "DE_de"] {
            assert_eq!(from_locale(german), German, "{german}");
        }
        for english in [
            "C",
            "POSIX",
            "C.UTF-8",
            "en_US.UTF-8",
            "en-GB",
            "fr_FR",
            "dea",
            "",
            "deutsch",
        ] {
            assert_eq!(from_locale(english), English, "{english}");
        }
    }

    /// Every `t("…")`, `tf("…"` and `…_key: "…"` in the sources names a catalogue entry.
    #[test]
    fn every_key_used_in_src_exists() {
        let catalogues = [("en", load(EN).unwrap()), ("de", load(DE).unwrap())];
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
                    for (language, catalogue) in &catalogues {
                        if !catalogue.contains_key(&key) {
                            missing.push(format!("{}: {key} ({language})", path.display()));
                        }
                    }
                }
                // A count's text needs at least its `other` form (and `one` in en/de).
                for key in plural_keys_in(&text) {
                    for (language, catalogue) in &catalogues {
                        for category in ["one", "other"] {
                            let full = format!("{key}.{category}");
                            if !catalogue.contains_key(&full) {
                                missing.push(format!("{}: {full} ({language})", path.display()));
                            }
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from assets/i18n:\n{}",
            missing.join("\n")
        );
    }

    /// Keys of counted texts in Rust source: the literal after `tn("`.
    fn plural_keys_in(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        let mut rest = text;
        while let Some(i) = rest.find("tn(\"") {
            let before = &rest[..i];
            rest = &rest[i + 4..];
            if before
                .chars()
                .last()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
            {
                continue;
            }
            if let Some(end) = rest.find('"') {
                keys.push(rest[..end].to_string());
            }
        }
        keys
    }

    #[test]
    fn counts_pick_their_plural_form_in_both_languages() {
        assert_eq!(
            with_language(Language::English, || tn("remove_old.question", 1, &[])),
            "Remove 1 older secret? Apps still using it stop working."
        );
        assert_eq!(
            with_language(Language::English, || tn("remove_old.question", 2, &[])),
            "Remove 2 older secrets? Apps still using them stop working."
        );
        assert_eq!(
            with_language(Language::German, || tn("remove_old.question", 1, &[])),
            "1 älteren Clientschlüssel entfernen? Apps, die ihn noch nutzen, funktionieren dann nicht mehr."
        );
        assert_eq!(
            with_language(Language::German, || tn("remove_old.question", 3, &[])),
            "3 ältere Clientschlüssel entfernen? Apps, die sie noch nutzen, funktionieren dann nicht mehr."
        );
        assert_eq!(plural_category(Language::German, 0), "other");
    }

    /// No catalogue text hedges a count with "(s)", "(es)" or "(en)": counts go through `tn`.
    #[test]
    fn no_text_hedges_a_plural() {
        for (language, files) in [("en", EN), ("de", DE)] {
            for (key, text) in load(files).unwrap() {
                for hedge in ["(s)", "(es)", "(en)", "(n)"] {
                    assert!(!text.contains(hedge), "{language} {key}: {text}");
                }
            }
        }
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
