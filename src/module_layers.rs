//! The library's layering, checked (issue 11: "no module importing upward"). [`LAYERS`] lists
//! every top-level module of the library from the top (the terminal runtime) to the bottom
//! (plain domain types and text); a module may use modules of the layers below its own, and
//! a module of its own layer only where [`SIDEWAYS`] lists the pair. The test reads every
//! `crate::<module>` path in src/ (the binary's `cli/` and `main.rs` are front-ends above all
//! of it and use the library as `exowiz::`) and names each import that breaks the rule.
//!
//! docs/architecture.md describes the layers and what each module does.

use std::path::{Path, PathBuf};

/// The layers from top to bottom: a layer's name and its modules. Modules another part of
/// the work is about to create (`permissions`, `net`, ...) are listed already; a listed module
/// that does not exist is fine.
const LAYERS: &[(&str, &[&str])] = &[
    // Test-only modules that read the source tree; nothing uses them.
    (
        "architecture tests",
        &["module_layers", "demo_tenant_boundary"],
    ),
    // The wizard's terminal runtime: event loop, effect executor, terminal setup.
    ("tui runtime", &["tui"]),
    ("ui", &["ui"]),
    ("wizard", &["wizard"]),
    ("jobs", &["jobs"]),
    (
        "operations",
        &[
            "check",
            "register",
            "rotate",
            "permissions",
            "verify",
            "ews",
            "error",
        ],
    ),
    ("records", &["store", "logging", "exchange"]),
    ("clients", &["graph", "auth", "profile", "net"]),
    ("desktop", &["browser", "clipboard", "private_files"]),
    ("base", &["domain", "i18n", "endpoints", "printable"]),
];

/// Imports between modules of one layer that are part of the design: (user, used), each with
/// its reason. They must not form a cycle (a test checks).
const SIDEWAYS: &[(&str, &str)] = &[
    // The demo tenant's boundary test walks src/ with the layering test's file walker.
    ("demo_tenant_boundary", "module_layers"),
    // Operations: the jobs' errors are one type, `error`.
    ("check", "error"),
    ("register", "error"),
    ("rotate", "error"),
    ("verify", "error"),
    ("permissions", "error"),
    // The permissions/consent module serves registration, check and its repair, rotate's and
    // verify's comparisons of granted roles.
    ("check", "permissions"),
    ("register", "permissions"),
    ("rotate", "permissions"),
    ("verify", "permissions"),
    // check compares an app with what register would make of it (and repairs through it);
    // rotate validates the secret lifetime as register does and reads its permission states;
    // verify compares roles with register's permission states (both move to `permissions`).
    ("check", "register"),
    ("rotate", "register"),
    ("verify", "register"),
    // rotate proves its new secret with verify; the EWS probe takes its app-only token the way
    // verify does (same scope, same patience with a new secret).
    ("rotate", "verify"),
    ("ews", "verify"),
    // Records: the log file lives in the store's owner-only data directory; a saved secret's
    // expiry notes whether its app still needs EWS (exchange knows EWS's end).
    ("logging", "store"),
    ("store", "exchange"),
    // Clients: Graph and sign-in share one HTTP client construction (net); Graph's calls need a
    // token (auth).
    ("graph", "net"),
    ("auth", "net"),
    ("graph", "auth"),
];

/// Imports upward that only test code makes, in files of a `tests` folder (not compiled into
/// the library): (user, used). The wizard's tests draw the states they reach with the ui, so
/// that a snapshot shows what the admin would see.
const UPWARD_IN_TESTS: &[(&str, &str)] = &[("wizard", "ui")];

/// Where `module` sits: its layer's index (0 = top) and name.
fn layer_of(module: &str) -> Option<(usize, &'static str)> {
    LAYERS
        .iter()
        .enumerate()
        .find(|(_, (_, modules))| modules.contains(&module))
        .map(|(i, (name, _))| (i, *name))
}

/// Every `.rs` file below `dir` (the demo tenant's boundary test walks src/ the same way).
pub(crate) fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The top-level modules `code` names through `crate::`: `crate::graph::X`, and each entry of
/// a group `crate::{graph::X, store}`. Comment lines (docs that link `[crate::x]`) are left out:
/// a link is not a dependency.
fn used_modules(code: &str) -> Vec<String> {
    let code: String = code
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = Vec::new();
    for (at, m) in code.match_indices("crate::") {
        if code[..at].chars().next_back().is_some_and(is_ident) {
            continue; // e.g. `demo_tenant_crate::`
        }
        let rest = &code[at + m.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Entries at the group's top nesting level: the first word of each.
            let mut depth = 0;
            let mut entry_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => entry_start = true,
                    c if entry_start && is_ident(c) => {
                        let word: String =
                            group[i..].chars().take_while(|c| is_ident(*c)).collect();
                        found.push(word);
                        entry_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let word: String = rest.chars().take_while(|c| is_ident(*c)).collect();
            if !word.is_empty() {
                found.push(word);
            }
        }
    }
    found
}

/// The library module a file of src/ belongs to (`graph` for src/graph/client.rs); none for
/// lib.rs and for the binary's main.rs and cli/.
fn owner(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let module = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(module, "lib" | "main" | "cli")).then(|| module.to_string())
}

/// Every import in src/ that breaks the layering, as sentences.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut out = Vec::new();
    for file in &files {
        let Some(user) = owner(src, file) else {
            continue;
        };
        // This file quotes `crate::` paths in its messages and its tests.
        if file.ends_with("module_layers.rs") {
            continue;
        }
        let test_only = file
            .strip_prefix(src)
            .is_ok_and(|rel| rel.components().any(|c| c.as_os_str() == "tests"));
        let shown = file.strip_prefix(src).unwrap_or(file).display();
        let Some((user_layer, user_layer_name)) = layer_of(&user) else {
            out.push(format!(
                "src/{shown}: module `{user}` is in no layer: add it to LAYERS in src/module_layers.rs (and to docs/architecture.md)"
            ));
            continue;
        };
        let code = std::fs::read_to_string(file).expect("a source file is readable");
        let mut used = used_modules(&code);
        used.sort();
        used.dedup();
        for module in used {
            if module == user || matches!(module.as_str(), "self" | "super") {
                continue;
            }
            let Some((layer, layer_name)) = layer_of(&module) else {
                out.push(format!(
                    "src/{shown} uses `crate::{module}`, which is in no layer: add it to LAYERS in src/module_layers.rs (and to docs/architecture.md)"
                ));
                continue;
            };
            if layer < user_layer
                && !(test_only && UPWARD_IN_TESTS.contains(&(user.as_str(), module.as_str())))
            {
                out.push(format!(
                    "src/{shown}: `{user}` ({user_layer_name}) imports upward from `{module}` ({layer_name}): move what it needs down to a layer below `{user}`"
                ));
            } else if layer == user_layer && !SIDEWAYS.contains(&(user.as_str(), module.as_str())) {
                out.push(format!(
                    "src/{shown}: `{user}` imports `{module}` of its own layer ({layer_name}) without a SIDEWAYS entry: move it down, or list the pair in src/module_layers.rs with the reason"
                ));
            }
        }
    }
    out
}

#[test]
fn no_module_imports_upward_or_sideways_unlisted() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "{} layering violation(s):\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_sideways_imports_form_no_cycle_and_stay_in_their_layer() {
    fn reaches(from: &str, to: &str, seen: &mut Vec<String>) -> bool {
        SIDEWAYS
            .iter()
            .filter(|(user, _)| *user == from)
            .any(|(_, used)| {
                *used == to
                    || (!seen.iter().any(|s| s == used) && {
                        seen.push(used.to_string());
                        reaches(used, to, seen)
                    })
            })
    }
    for (user, used) in SIDEWAYS {
        assert_eq!(
            layer_of(user).map(|l| l.0),
            layer_of(used).map(|l| l.0),
            "SIDEWAYS ({user}, {used}) crosses layers"
        );
        assert!(
            !reaches(used, user, &mut Vec::new()),
            "SIDEWAYS makes a cycle through {user} and {used}"
        );
    }
}

#[test]
fn every_module_of_lib_rs_is_in_a_layer() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("src/lib.rs is readable");
    let missing: Vec<&str> = lib
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            l.strip_prefix("mod ")?.strip_suffix(';')
        })
        .filter(|m| layer_of(m).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "modules in no layer: {missing:?}: add each to LAYERS in src/module_layers.rs"
    );
}

#[test]
fn the_reader_finds_paths_and_groups_but_not_doc_links() {
    let code = "//! see [crate::ui]\nuse crate::{graph::{A, B}, store};\nlet x = crate::i18n::t(\"a\");\nuse demo_crate::x;";
    assert_eq!(used_modules(code), ["graph", "store", "i18n"]);
}

#[test]
fn an_upward_import_is_named_with_where_to_fix_it() {
    let dir = std::env::temp_dir().join(format!("exowiz-layers-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("graph")).unwrap();
    std::fs::write(dir.join("graph/mod.rs"), "use crate::wizard::State;\n").unwrap();
    std::fs::write(dir.join("gadget.rs"), "use crate::i18n::t;\n").unwrap();
    let found = violations(&dir);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].contains("`gadget` is in no layer: add it to LAYERS"));
    assert!(found[1].contains("`graph` (clients) imports upward from `wizard` (wizard)"));
}
