//! Property tests (issue 14) for the parsers of user and Graph input that are public: they
//! never panic on arbitrary input, what they accept is clean, and writers round-trip.
//! The crate-private parsers (Retry-After, Graph error bodies, Entra error bodies) have theirs
//! next to them (src/graph/retry.rs, src/graph/error.rs, src/auth/error.rs). Case counts are
//! kept modest for CI; failures are persisted in proptest-regressions/.

use exowiz::check::FixSelection;
use exowiz::printable::{first_control_char, printable, printable_json, printable_line};
use exowiz::register::validate::{domain_name, mailbox, transfer_domain_arg};
use exowiz::store::journal_salvage::salvage;
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        // Integration tests have no lib.rs next to them: name the file (cargo runs tests in
        // the package root).
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::Direct(
                "proptest-regressions/parsers_prop.txt",
            ),
        )),
        ..ProptestConfig::default()
    }
}

/// Characters a hostile tenant or argument might carry: controls, escapes, bidi overrides.
fn nasty_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            any::<char>(),
            Just('\u{1b}'),
            Just('\u{9b}'),
            Just('\u{7f}'),
            Just('\u{202e}'),
            Just('\n'),
            Just('\t'),
            Just('@'),
            Just('.'),
            Just('='),
        ],
        0..40,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn printable_output_has_no_control_characters(text in nasty_text()) {
        let out = printable(&text);
        for c in out.chars() {
            prop_assert!(c == '\n' || c == '\t' || first_control_char(&c.to_string()).is_none(),
                "{c:?} survived in {out:?}");
        }
        let line = printable_line(&text);
        prop_assert!(first_control_char(&line).is_none(), "{line:?}");
        prop_assert!(!line.contains('\n'));
    }

    #[test]
    fn printable_json_reads_back_as_the_same_value(text in nasty_text()) {
        let json = serde_json::to_string(&serde_json::json!({"name": text})).unwrap();
        let safe = printable_json(&json);
        prop_assert!(first_control_char(&safe).is_none(), "{safe:?}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        prop_assert_eq!(back["name"].as_str().unwrap(), text.as_str());
    }

    #[test]
    fn mailbox_and_domain_validation_never_panic_and_accept_only_clean_text(text in nasty_text()) {
        if let Ok(m) = mailbox(&text) {
            prop_assert!(first_control_char(&m).is_none(), "{m:?}");
            prop_assert!(m.contains('@'));
            // Accepted once, accepted again unchanged.
            prop_assert_eq!(mailbox(&m), Ok(m.clone()));
        }
        if let Ok(d) = domain_name(&text) {
            prop_assert!(first_control_char(&d).is_none(), "{d:?}");
            prop_assert_eq!(domain_name(&d), Ok(d.clone()));
        }
        if let Ok((kind, name)) = transfer_domain_arg(&text) {
            prop_assert!(first_control_char(&kind).is_none());
            prop_assert!(first_control_char(&name).is_none());
        }
    }

    #[test]
    fn plausible_mailboxes_are_accepted(
        local in "[a-z0-9]{1,8}([._-][a-z0-9]{1,8}){0,2}",
        domain in "[a-z][a-z0-9-]{0,10}[a-z0-9]\\.(com|de|onmicrosoft\\.com)",
    ) {
        let address = format!("{local}@{domain}");
        prop_assert!(mailbox(&address).is_ok(), "{address}");
    }

    #[test]
    fn fix_selection_never_panics(text in nasty_text()) {
        let _ = FixSelection::parse(&text);
    }

    #[test]
    fn fix_numbers_round_trip(numbers in prop::collection::vec(1usize..500, 1..6)) {
        let text = numbers.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(",");
        prop_assert!(FixSelection::parse(&text).is_ok(), "{text}");
    }

    #[test]
    fn journal_salvage_never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let found = salvage(&bytes);
        let _ = found.knows_something();
        let text = found.app_to_check();
        prop_assert!(first_control_char(&text).is_none(), "{text:?}");
    }

    #[test]
    fn journal_salvage_never_panics_on_cut_json(cut in 0usize..300) {
        let whole = br#"{"version":1,"profile":"officemaster","tenant_id":"6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90","unique_name":"exowiz-officemaster-abc","app":{"id":"o1","app_id":"a1","display_name":"OfficeMaster EWS"},"pending_secrets":[{"key_id":"k1"}]}"#;
        let _ = salvage(&whole[..cut.min(whole.len())]);
    }

    #[test]
    fn ews_xml_parser_never_panics(text in nasty_text()) {
        let _ = exowiz::ews::xml::parse(&text);
        let wrapped = format!("<a x=\"{}\">{}</a>", exowiz::ews::xml::escape(&text), exowiz::ews::xml::escape(&text));
        let parsed = exowiz::ews::xml::parse(&wrapped);
        prop_assert!(parsed.is_ok(), "{wrapped:?}: {parsed:?}");
    }

    #[test]
    fn profile_api_names_never_panic(text in nasty_text()) {
        let _ = exowiz::profile::Api::parse(&text);
    }
}
