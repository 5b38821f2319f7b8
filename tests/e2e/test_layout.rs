//! The layout of tests/ itself: four test binaries (each links the whole crate and the demo
//! tenant, so every extra one costs a link and hundreds of megabytes) and one support folder.
//! A new top-level tests/*.rs file would be a fifth binary, and a module file not named in its
//! binary's main.rs would silently never run; both fail here with a sentence saying where to
//! put it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The test binaries and what each holds.
const BINARIES: &[(&str, &str)] = &[
    (
        "e2e",
        "the real binary and library against the demo tenant or a scripted server",
    ),
    (
        "tenant",
        "the demo tenant's own conformance (Entra, Graph, EWS as documented)",
    ),
    (
        "screens",
        "insta snapshots, no-cutoff checks and SVG pictures of the screens",
    ),
    ("pty", "the real wizard in a pseudo-terminal"),
];

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// The `.rs` files directly in `dir`, without the extension, sorted.
fn rust_files(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "rs"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// The `mod name;` / `pub mod name;` lines of a main.rs or mod.rs (the support module, included
/// by path, aside).
fn declared_modules(main_rs: &str) -> BTreeSet<String> {
    main_rs
        .lines()
        .map(|line| line.trim().trim_start_matches("pub "))
        .filter_map(|line| line.strip_prefix("mod "))
        .filter_map(|rest| rest.strip_suffix(';'))
        .filter(|name| *name != "support")
        .map(str::to_string)
        .collect()
}

fn where_to_put_it() -> String {
    let list: Vec<String> = BINARIES
        .iter()
        .map(|(name, holds)| format!("tests/{name}/ ({holds})"))
        .collect();
    format!(
        "put a new test file in one of {} and add `mod <file>;` to that folder's main.rs; \
         shared helpers go in tests/support/",
        list.join(", ")
    )
}

#[test]
fn no_test_file_outside_the_four_binaries() {
    let stray = rust_files(&tests_dir());
    assert!(
        stray.is_empty(),
        "tests/{{{}}}.rs would each be a test binary of its own (a link of the whole crate): {}",
        stray.into_iter().collect::<Vec<_>>().join(","),
        where_to_put_it()
    );
}

#[test]
fn only_the_four_binaries_and_support_folders_in_tests() {
    let known: BTreeSet<&str> = BINARIES
        .iter()
        .map(|(name, _)| *name)
        .chain(["support", "fixtures", "windows"])
        .collect();
    for entry in fs::read_dir(tests_dir()).unwrap() {
        let path = entry.unwrap().path();
        if !path.is_dir() {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // A folder with a main.rs is a test binary of its own for cargo.
        assert!(
            known.contains(name.as_str()),
            "tests/{name}/ is neither one of the four test binaries nor tests/support, \
             tests/fixtures (data) or tests/windows (the Windows smoke test's shim): {}",
            where_to_put_it()
        );
    }
}

#[test]
fn every_module_file_is_named_in_its_main_rs() {
    for (binary, _) in BINARIES {
        let dir = tests_dir().join(binary);
        let main_rs = fs::read_to_string(dir.join("main.rs"))
            .unwrap_or_else(|e| panic!("tests/{binary}/main.rs: {e}"));
        let declared = declared_modules(&main_rs);
        let mut files = rust_files(&dir);
        files.remove("main");
        if let Some(missing) = files.difference(&declared).next() {
            panic!(
                "tests/{binary}/{missing}.rs is not named in tests/{binary}/main.rs, so it never \
                 runs: add `mod {missing};` there (or move the file: {})",
                where_to_put_it()
            );
        }
        if let Some(gone) = declared.difference(&files).next() {
            panic!(
                "tests/{binary}/main.rs names `mod {gone};` but tests/{binary}/{gone}.rs is missing"
            );
        }
        assert!(
            main_rs.contains("#[path = \"../support/mod.rs\"]"),
            "tests/{binary}/main.rs must include the one support folder with \
             `#[path = \"../support/mod.rs\"] mod support;`"
        );
    }
}

#[test]
fn every_support_file_is_named_in_support_mod_rs() {
    let dir = tests_dir().join("support");
    let mod_rs = fs::read_to_string(dir.join("mod.rs")).unwrap();
    let declared = declared_modules(&mod_rs);
    let mut files = rust_files(&dir);
    files.remove("mod");
    if let Some(missing) = files.difference(&declared).next() {
        panic!(
            "tests/support/{missing}.rs is not named in tests/support/mod.rs, so no test can use \
             it: add `pub mod {missing};` there"
        );
    }
}
