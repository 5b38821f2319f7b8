//! Quoting values into PowerShell and OPATH text, so that a typed mailbox or an app's name can
//! never end a string early and run as code.
//!
//! PowerShell takes the typographic quotes as quotes too (‘ ’ ‚ ‛ like ', “ ” „ like "):
//! about_Quoting_Rules in MicrosoftDocs/PowerShell-Docs,
//! `reference/5.1/Microsoft.PowerShell.Core/About/about_Quoting_Rules.md`.

/// A single-quoted PowerShell string: nothing inside is expanded; each quote is doubled.
pub fn single_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// A double-quoted PowerShell string holding `text` literally: `$`, the backtick and double
/// quotes are escaped with a backtick, so nothing is expanded.
pub fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '$' | '`' | '"' | '\u{201C}' | '\u{201D}' | '\u{201E}') {
            out.push('`');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A text value inside an OPATH filter: in single quotes, each single quote doubled
/// (New-ManagementScope.md, -RecipientRestrictionFilter: "Enclose text values … in single
/// quotation marks", and `'$($User -Replace "'","''")'` for values holding one).
pub fn opath_text(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// An OPATH equality filter `Property -eq 'value'` as a PowerShell string argument.
pub fn opath_equals(property: &str, value: &str) -> String {
    double_quoted(&format!("{property} -eq {}", opath_text(value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_quotes_double_every_kind_of_single_quote() {
        assert_eq!(single_quoted("moveIT"), "'moveIT'");
        assert_eq!(single_quoted("O'Brien’s app"), "'O''Brien’’s app'");
        assert_eq!(single_quoted("$env:PATH"), "'$env:PATH'");
    }

    #[test]
    fn double_quotes_escape_what_powershell_would_expand() {
        assert_eq!(double_quoted("a$b`c\"d"), "\"a`$b``c`\"d\"");
        assert_eq!(double_quoted("“x”"), "\"`“x`”\"");
    }

    #[test]
    fn opath_filters_quote_the_value_twice_where_needed() {
        assert_eq!(
            opath_equals("PrimarySmtpAddress", "orders@contoso.com"),
            "\"PrimarySmtpAddress -eq 'orders@contoso.com'\""
        );
        // A legal address with a quote and a dollar sign stays one value.
        assert_eq!(
            opath_equals("PrimarySmtpAddress", "o'neil$x@contoso.com"),
            "\"PrimarySmtpAddress -eq 'o''neil`$x@contoso.com'\""
        );
    }
}
