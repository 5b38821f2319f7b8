//! The library never uses the demo tenant (issue 11). Cargo cannot give a dependency to the
//! binary alone, so `exowiz-demo-tenant` is a dependency of the whole `exowiz` package; this test
//! keeps it out of the library: only `src/main.rs` and `src/cli/` (the binary's modules: the
//! `demo` and `emulator` commands) and test-only modules may name the crate `demo_tenant`, and the library declares
//! neither `cli` nor the demo tenant's old home `emulator`.

use crate::module_layers::rust_files;
use std::path::Path;

/// The binary's own source: main.rs and the modules it declares under cli/; and test-only
/// modules (a `tests` folder), which may build their fixtures from the demo tenant's data.
fn is_binary_source(src: &Path, file: &Path) -> bool {
    file == src.join("main.rs")
        || file.starts_with(src.join("cli"))
        || file
            .strip_prefix(src)
            .is_ok_and(|rel| rel.components().any(|c| c.as_os_str() == "tests"))
}

/// Whether `text` names the identifier `demo_tenant` (not a longer one such as this module's).
fn names_demo_tenant(text: &str) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices("demo_tenant").any(|(at, found)| {
        let before = text[..at].chars().next_back();
        let after = text[at + found.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// Module declarations of lib.rs, e.g. `pub mod graph;` -> "graph".
fn declared_modules(lib: &str) -> Vec<&str> {
    lib.lines()
        .filter_map(|l| {
            let l = l.trim();
            let l = l.strip_prefix("pub ").unwrap_or(l);
            l.strip_prefix("mod ")?.strip_suffix(';')
        })
        .collect()
}

#[test]
fn no_library_module_names_the_demo_tenant() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let this = src.join("demo_tenant_boundary.rs");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(
        files.len() > 50,
        "src/ was not found: {} files",
        files.len()
    );
    let offenders: Vec<String> = files
        .iter()
        .filter(|f| !is_binary_source(&src, f) && **f != this)
        .filter(|f| names_demo_tenant(&std::fs::read_to_string(f).expect("a source file")))
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "library modules use the demo tenant (only src/main.rs and src/cli/ may): {offenders:?}"
    );
}

#[test]
fn the_library_declares_neither_the_cli_nor_the_demo_tenant() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    let modules = declared_modules(&lib);
    assert!(
        modules.contains(&"graph"),
        "lib.rs was not read: {modules:?}"
    );
    for binary_only in ["cli", "emulator"] {
        assert!(
            !modules.contains(&binary_only),
            "src/lib.rs declares `mod {binary_only}`: {modules:?}"
        );
    }
    let main = std::fs::read_to_string(src.join("main.rs")).expect("src/main.rs");
    assert!(
        declared_modules(&main).contains(&"cli"),
        "main.rs declares cli"
    );
}

#[test]
fn the_identifier_check_finds_a_use_and_skips_longer_names() {
    assert!(names_demo_tenant("use demo_tenant::Emulator;"));
    assert!(names_demo_tenant("let e = ::demo_tenant::Emulator::start"));
    assert!(!names_demo_tenant("mod demo_tenant_boundary;"));
    assert!(!names_demo_tenant("the demo tenant"));
    assert!(!names_demo_tenant("exowiz_demo_tenants"));
}
