//! Why a `--fix` selection cannot be used, kept as data (the text, or the fix number and how
//! many fixes the check listed); the `Display` is the command line's sentence (English: only
//! `exowiz check --fix` takes a selection).

use super::FixId;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixSelectionError {
    /// Neither `all` nor a list of numbers from 1.
    #[error(
        "'{text}' is not a fix selection. Write all, or the numbers shown as [fix N], e.g. --fix 1,3."
    )]
    NotASelection { text: String },
    /// A number the check did not list; `fixes` is how many it listed.
    #[error("{}", no_such_fix(*fix, *fixes))]
    NoSuchFix { fix: FixId, fixes: usize },
}

fn no_such_fix(fix: FixId, fixes: usize) -> String {
    match fixes {
        0 => format!("There is no fix {fix}: the check found nothing exowiz can fix."),
        n => format!(
            "There is no fix {fix}: the check lists fixes 1 to {n}. The numbers change when the app changes; run the check again."
        ),
    }
}
