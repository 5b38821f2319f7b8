//! A damaged journal (issue 14.7): a cut-off write, a full disk or an editor can leave
//! `journal-*.json` that is no longer JSON. Setting it aside silently would lose what it knew —
//! above all a secret whose value nobody saw, which then stays valid in the tenant. So the
//! readable parts are recovered field by field (the journal is written pretty-printed, one
//! field a line), and what cannot be recovered is reported by `exowiz status` and by the next
//! run, naming the app to check.

use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::journal::{JournalApp, JournalSecret, PendingSecret};

/// What could be read from a damaged journal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Salvaged {
    pub app_name: Option<String>,
    /// The uniqueName the app was (to be) created under: a re-run upserts the same app.
    pub unique_name: Option<String>,
    pub started: Option<DateTime<Utc>>,
    pub app: Option<JournalApp>,
    pub service_principal_id: Option<String>,
    /// Secrets with their key ID, end and `"shown": false` all readable: the next run removes
    /// them as it would from an intact journal.
    pub unseen_secrets: Vec<JournalSecret>,
    pub pending_secrets: Vec<PendingSecret>,
    /// Secrets whose key ID was readable but not whether their value was shown: they are not
    /// removed (a shown secret is in use), the admin is asked to check them.
    pub unsure_secrets: Vec<String>,
    /// The file was cut off or garbled before its end: more may have been lost than is listed.
    pub incomplete: bool,
}

impl Salvaged {
    /// Anything a later run or the admin must know about.
    pub fn knows_something(&self) -> bool {
        self.app.is_some()
            || self.unique_name.is_some()
            || self.service_principal_id.is_some()
            || !self.unseen_secrets.is_empty()
            || !self.pending_secrets.is_empty()
            || !self.unsure_secrets.is_empty()
    }

    /// The app to check, as the admin finds it in the Entra admin center.
    pub fn app_to_check(&self) -> String {
        match (&self.app_name, &self.app) {
            (Some(name), Some(app)) => format!("'{name}' (client ID {})", app.client_id),
            (None, Some(app)) => format!("client ID {}", app.client_id),
            (Some(name), None) => format!("'{name}'"),
            (None, None) => crate::i18n::t("journal.damaged_unknown_app").to_string(),
        }
    }
}

/// Reads what can be read from the bytes of a damaged journal.
pub fn salvage(bytes: &[u8]) -> Salvaged {
    let text = String::from_utf8_lossy(bytes);
    let text = text.as_ref();
    let mut s = Salvaged {
        app_name: string_field(text, "app_name"),
        unique_name: string_field(text, "unique_name"),
        started: string_field(text, "started").and_then(|v| parse_date(&v)),
        service_principal_id: string_field(text, "service_principal_id"),
        incomplete: serde_json::from_str::<serde_json::Value>(text).is_err(),
        ..Salvaged::default()
    };
    if let (Some(object_id), Some(client_id)) = (
        string_field(text, "object_id"),
        string_field(text, "client_id"),
    ) {
        s.app = Some(JournalApp {
            object_id,
            client_id,
            created_by_this_run: bool_field(text, "created_by_this_run").unwrap_or(false),
            recorded: string_field(text, "recorded")
                .and_then(|v| parse_date(&v))
                .unwrap_or_else(Utc::now),
        });
    }
    let pending_at = text.find("\"pending_secrets\"").unwrap_or(text.len());
    for object in objects(&text[..pending_at]) {
        let Some(key_id) = string_field(object, "key_id") else {
            continue;
        };
        let end = string_field(object, "end").and_then(|v| parse_date(&v));
        match (end, bool_field(object, "shown")) {
            (_, Some(true)) => {}
            (Some(end), Some(false)) => s.unseen_secrets.push(JournalSecret {
                key_id,
                end,
                shown: false,
            }),
            _ => s.unsure_secrets.push(key_id),
        }
    }
    for object in objects(&text[pending_at..]) {
        if let (Some(display_name), Some(end)) = (
            string_field(object, "display_name"),
            string_field(object, "end").and_then(|v| parse_date(&v)),
        ) {
            s.pending_secrets.push(PendingSecret { display_name, end });
        }
    }
    s
}

/// A damaged journal found in the data directory: the file and what it still tells.
#[derive(Debug, Clone)]
pub struct DamagedJournal {
    pub path: PathBuf,
    pub salvaged: Salvaged,
}

impl DamagedJournal {
    /// One sentence for `status` and the next run.
    pub fn describe(&self) -> String {
        let file = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        crate::i18n::tf(
            "journal.damaged",
            &[("file", &file), ("app", &self.salvaged.app_to_check())],
        )
    }
}

/// Journals in `dir` that are not readable JSON (`journal-*.json`) or were set aside as
/// unrecoverable (`journal-*.damaged`), oldest name first.
pub fn damaged_journals(dir: &Path) -> io::Result<Vec<DamagedJournal>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut found: Vec<DamagedJournal> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_string();
            if !name.starts_with("journal-") {
                return None;
            }
            let bytes = std::fs::read(&path).ok()?;
            let damaged = name.ends_with(".damaged")
                || (name.ends_with(".json")
                    && serde_json::from_slice::<serde_json::Value>(&bytes).is_err());
            damaged.then(|| DamagedJournal {
                salvaged: salvage(&bytes),
                path,
            })
        })
        .collect();
    found.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// The `{ … }` pieces of `text` at the innermost level (secrets and pending secrets are flat
/// objects); a piece cut off by the damage runs to the end of the text.
fn objects(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match c {
            '{' => start = Some(i),
            '}' => {
                if let Some(s) = start.take() {
                    out.push(&text[s..i]);
                }
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// The first complete string value of `"key": "…"` in `text`.
fn string_field(text: &str, key: &str) -> Option<String> {
    let rest = after_key(text, key)?;
    let rest = rest.strip_prefix('"')?;
    let mut value = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(value),
            '\\' => {
                // The journal holds IDs, dates and names; a JSON escape is read by serde.
                let escaped: String = format!("\"\\{}\"", chars.next()?);
                value.push_str(&serde_json::from_str::<String>(&escaped).ok()?);
            }
            '\n' | '\0' => return None,
            c => value.push(c),
        }
    }
    None
}

/// The first `"key": true|false` in `text`.
fn bool_field(text: &str, key: &str) -> Option<bool> {
    let rest = after_key(text, key)?;
    if rest.starts_with("true") {
        Some(true)
    } else if rest.starts_with("false") {
        Some(false)
    } else {
        None
    }
}

/// The text after `"key":` and its spaces.
fn after_key<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let quoted = format!("\"{key}\"");
    let at = text.find(&quoted)? + quoted.len();
    let rest = text[at..].trim_start();
    Some(rest.strip_prefix(':')?.trim_start())
}

#[cfg(test)]
mod tests {
    use super::*;

    const JOURNAL: &str = r#"{
  "version": 1,
  "run_id": "r1",
  "started": "2026-12-01T10:00:00Z",
  "updated": "2026-12-01T10:00:05Z",
  "pid": 4242,
  "tenant_id": "t1",
  "profile": "bueroware",
  "graph_url": "https://graph.microsoft.com/",
  "app_name": "BüroWARE \"EWS\"",
  "continues": [],
  "app": {
    "object_id": "obj-1",
    "client_id": "8fd863fd-5e14-4d92-9340-94dc51675a75",
    "created_by_this_run": true,
    "recorded": "2026-12-01T10:00:01Z"
  },
  "service_principal_id": "sp-1",
  "secrets": [
    {
      "key_id": "k-shown",
      "end": "2028-12-01T10:00:00Z",
      "shown": true
    },
    {
      "key_id": "k-unseen",
      "end": "2028-12-01T10:00:00Z",
      "shown": false
    }
  ],
  "pending_secrets": [
    {
      "display_name": "exowiz 2026-12-01",
      "end": "2028-12-01T10:00:00Z"
    }
  ],
  "grants_done": false,
  "completed": false
}"#;

    #[test]
    fn an_intact_journal_is_salvaged_whole() {
        let s = salvage(JOURNAL.as_bytes());
        assert!(!s.incomplete);
        assert_eq!(s.app_name.as_deref(), Some("BüroWARE \"EWS\""));
        let app = s.app.as_ref().unwrap();
        assert_eq!(app.client_id, "8fd863fd-5e14-4d92-9340-94dc51675a75");
        assert!(app.created_by_this_run);
        assert_eq!(s.service_principal_id.as_deref(), Some("sp-1"));
        assert_eq!(s.unseen_secrets.len(), 1);
        assert_eq!(s.unseen_secrets[0].key_id, "k-unseen");
        assert_eq!(s.pending_secrets.len(), 1);
        assert!(s.unsure_secrets.is_empty());
    }

    #[test]
    fn a_journal_cut_off_inside_a_secret_keeps_the_app_and_asks_about_the_secret() {
        let cut = &JOURNAL[..JOURNAL.find("\"shown\": false").unwrap()];
        let s = salvage(cut.as_bytes());
        assert!(s.incomplete);
        assert!(s.app.is_some());
        assert!(s.unseen_secrets.is_empty(), "not sure it was unseen");
        assert_eq!(s.unsure_secrets, vec!["k-unseen".to_string()]);
        assert!(s.knows_something());
    }

    #[test]
    fn garbage_knows_nothing_and_names_no_app() {
        let s = salvage(b"\0\0\0{half");
        assert!(s.incomplete);
        assert!(!s.knows_something());
        assert!(s.app_to_check().contains("exowiz"));
    }

    #[test]
    fn damaged_journals_are_found_and_intact_ones_are_not() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("journal-aaaa.json"), JOURNAL).unwrap();
        std::fs::write(
            dir.path().join("journal-bbbb.json"),
            &JOURNAL[..JOURNAL.len() / 2],
        )
        .unwrap();
        std::fs::write(dir.path().join("journal-cccc.damaged"), b"{half").unwrap();
        std::fs::write(dir.path().join("registrations.json"), b"{").unwrap();
        let found = damaged_journals(dir.path()).unwrap();
        let names: Vec<_> = found
            .iter()
            .map(|d| d.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["journal-bbbb.json", "journal-cccc.damaged"]);
        assert!(
            found[0]
                .describe()
                .contains("8fd863fd-5e14-4d92-9340-94dc51675a75")
        );
    }
}
