//! A small OData `$filter` parser and evaluator for the forms directory clients send:
//! `p eq 'v'`, `startswith(p,'v')`, `p in ('a','b')`, `coll/any(x:x eq 'v')`, `and`, `or`,
//! parentheses. Everything else is `Request_UnsupportedQuery`.

use serde_json::{Map, Value};

use super::super::errors::{GraphError, GraphResult};
use super::super::util::{eq_ci, is_guid};

#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    Str(String),
    Bool(bool),
    Null,
    Num(f64),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Eq(String, Lit),
    In(String, Vec<Lit>),
    StartsWith(String, String),
    Any(String, Lit),
    /// Parsed but never supported without advanced queries (`ne`, `not`, `endswith`, `gt`, …).
    Unsupported(String),
}

/// Which operators a property supports.
#[derive(Debug, Clone, Copy)]
pub struct Ops {
    pub eq: bool,
    pub starts_with: bool,
    pub any: bool,
}

pub const EQ: Ops = Ops {
    eq: true,
    starts_with: false,
    any: false,
};
pub const EQ_STARTS: Ops = Ops {
    eq: true,
    starts_with: true,
    any: false,
};
pub const ANY: Ops = Ops {
    eq: false,
    starts_with: false,
    any: true,
};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(f64),
    LParen,
    RParen,
    Comma,
    Colon,
}

fn syntax(filter: &str, what: &str) -> GraphError {
    GraphError::new(
        400,
        "BadRequest",
        format!("Invalid filter clause: {what} in '{filter}'."),
    )
}

fn tokenize(s: &str) -> GraphResult<Vec<Tok>> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' | '\n' | '\r' => i += 1,
            '(' => {
                out.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                out.push(Tok::RParen);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            ':' => {
                out.push(Tok::Colon);
                i += 1;
            }
            '\'' => {
                let mut v = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(syntax(s, "unterminated string literal")),
                        Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                            v.push('\'');
                            i += 2;
                        }
                        Some('\'') => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            v.push(*ch);
                            i += 1;
                        }
                    }
                }
                out.push(Tok::Str(v));
            }
            _ if c.is_ascii_alphanumeric() || "_./@$-".contains(c) => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_ascii_alphanumeric() || "_./@$-".contains(chars[i]))
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                if let Ok(n) = word.parse::<f64>()
                    && !is_guid(&word)
                {
                    out.push(Tok::Num(n));
                } else {
                    out.push(Tok::Ident(word));
                }
            }
            _ => return Err(syntax(s, &format!("unexpected character '{c}'"))),
        }
    }
    Ok(out)
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    src: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn expect(&mut self, t: Tok) -> GraphResult<()> {
        if self.next() == Some(t.clone()) {
            Ok(())
        } else {
            Err(syntax(self.src, &format!("expected {t:?}")))
        }
    }
    fn keyword(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(w)) if w.eq_ignore_ascii_case(kw))
    }

    fn or_expr(&mut self) -> GraphResult<Expr> {
        let mut left = self.and_expr()?;
        while self.keyword("or") {
            self.pos += 1;
            let right = self.and_expr()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> GraphResult<Expr> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> GraphResult<Expr> {
        if self.keyword("not") {
            self.pos += 1;
            let _ = self.unary()?;
            return Ok(Expr::Unsupported("not".into()));
        }
        self.primary()
    }

    fn literal(&mut self) -> GraphResult<Lit> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Lit::Str(s)),
            Some(Tok::Num(n)) => Ok(Lit::Num(n)),
            Some(Tok::Ident(w)) if w == "true" => Ok(Lit::Bool(true)),
            Some(Tok::Ident(w)) if w == "false" => Ok(Lit::Bool(false)),
            Some(Tok::Ident(w)) if w == "null" => Ok(Lit::Null),
            Some(Tok::Ident(w)) if is_guid(&w) => Ok(Lit::Str(w)),
            _ => Err(syntax(self.src, "expected a literal")),
        }
    }

    fn primary(&mut self) -> GraphResult<Expr> {
        match self.next() {
            Some(Tok::LParen) => {
                let e = self.or_expr()?;
                self.expect(Tok::RParen)?;
                Ok(e)
            }
            Some(Tok::Ident(word)) => {
                let lower = word.to_ascii_lowercase();
                if matches!(self.peek(), Some(Tok::LParen))
                    && matches!(lower.as_str(), "startswith" | "endswith" | "contains")
                {
                    self.pos += 1;
                    let Some(Tok::Ident(prop)) = self.next() else {
                        return Err(syntax(self.src, "expected a property name"));
                    };
                    self.expect(Tok::Comma)?;
                    let lit = self.literal()?;
                    self.expect(Tok::RParen)?;
                    return match (lower.as_str(), lit) {
                        ("startswith", Lit::Str(v)) => Ok(Expr::StartsWith(prop, v)),
                        ("startswith", _) => Err(syntax(self.src, "startswith needs a string")),
                        (f, _) => Ok(Expr::Unsupported(f.to_string())),
                    };
                }
                if let Some(coll) = word
                    .strip_suffix("/any")
                    .or_else(|| word.strip_suffix("/all"))
                {
                    let all = word.ends_with("/all");
                    self.expect(Tok::LParen)?;
                    let Some(Tok::Ident(var)) = self.next() else {
                        return Err(syntax(self.src, "expected a lambda variable"));
                    };
                    self.expect(Tok::Colon)?;
                    let Some(Tok::Ident(var2)) = self.next() else {
                        return Err(syntax(self.src, "expected the lambda variable"));
                    };
                    if var2 != var {
                        return Err(syntax(self.src, "unknown lambda variable"));
                    }
                    let Some(Tok::Ident(op)) = self.next() else {
                        return Err(syntax(self.src, "expected an operator"));
                    };
                    let lit = self.literal()?;
                    self.expect(Tok::RParen)?;
                    if all || !op.eq_ignore_ascii_case("eq") {
                        return Ok(Expr::Unsupported(if all { "all".into() } else { op }));
                    }
                    return Ok(Expr::Any(coll.to_string(), lit));
                }
                // property op literal
                let Some(Tok::Ident(op)) = self.next() else {
                    return Err(syntax(self.src, "expected an operator"));
                };
                match op.to_ascii_lowercase().as_str() {
                    "eq" => Ok(Expr::Eq(word, self.literal()?)),
                    "in" => {
                        self.expect(Tok::LParen)?;
                        let mut list = vec![self.literal()?];
                        while matches!(self.peek(), Some(Tok::Comma)) {
                            self.pos += 1;
                            list.push(self.literal()?);
                        }
                        self.expect(Tok::RParen)?;
                        Ok(Expr::In(word, list))
                    }
                    "ne" | "gt" | "ge" | "lt" | "le" => {
                        let _ = self.literal()?;
                        Ok(Expr::Unsupported(op.to_ascii_lowercase()))
                    }
                    _ => Err(syntax(self.src, &format!("unknown operator '{op}'"))),
                }
            }
            _ => Err(syntax(self.src, "expected an expression")),
        }
    }
}

pub fn parse(filter: &str) -> GraphResult<Expr> {
    let toks = tokenize(filter)?;
    let mut p = Parser {
        toks,
        pos: 0,
        src: filter,
    };
    let e = p.or_expr()?;
    if p.pos != p.toks.len() {
        return Err(syntax(filter, "unexpected trailing input"));
    }
    Ok(e)
}

/// Reject properties / operators the resource does not support.
pub fn check(e: &Expr, supported: &[(&str, Ops)], resource: &str) -> GraphResult<()> {
    let unsupported = |p: &str| {
        GraphError::unsupported_query(format!(
            "Unsupported or invalid query filter clause specified for property '{p}' of resource '{resource}'."
        ))
    };
    let ops = |p: &str| {
        supported
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(p))
            .map(|(_, o)| *o)
    };
    match e {
        Expr::And(a, b) | Expr::Or(a, b) => {
            check(a, supported, resource)?;
            check(b, supported, resource)
        }
        Expr::Eq(p, _) | Expr::In(p, _) => match ops(p) {
            Some(o) if o.eq => Ok(()),
            _ => Err(unsupported(p)),
        },
        Expr::StartsWith(p, _) => match ops(p) {
            Some(o) if o.starts_with => Ok(()),
            _ => Err(unsupported(p)),
        },
        Expr::Any(p, _) => match ops(p) {
            Some(o) if o.any => Ok(()),
            _ => Err(unsupported(p)),
        },
        Expr::Unsupported(op) => Err(GraphError::unsupported_query(format!(
            "Unsupported query: the '{op}' operator needs advanced query capabilities (ConsistencyLevel: eventual), which the emulator does not offer."
        ))),
    }
}

fn get_ci<'a>(item: &'a Map<String, Value>, prop: &str) -> Option<&'a Value> {
    item.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(prop))
        .map(|(_, v)| v)
}

fn lit_matches(v: Option<&Value>, lit: &Lit) -> bool {
    match (v, lit) {
        (Some(Value::String(s)), Lit::Str(l)) => eq_ci(s, l),
        (Some(Value::Bool(b)), Lit::Bool(l)) => b == l,
        (None | Some(Value::Null), Lit::Null) => true,
        (Some(Value::Number(n)), Lit::Num(l)) => n.as_f64() == Some(*l),
        _ => false,
    }
}

pub fn eval(e: &Expr, item: &Map<String, Value>) -> bool {
    match e {
        Expr::And(a, b) => eval(a, item) && eval(b, item),
        Expr::Or(a, b) => eval(a, item) || eval(b, item),
        Expr::Eq(p, lit) => lit_matches(get_ci(item, p), lit),
        Expr::In(p, lits) => lits.iter().any(|l| lit_matches(get_ci(item, p), l)),
        Expr::StartsWith(p, prefix) => get_ci(item, p)
            .and_then(Value::as_str)
            .is_some_and(|s| s.to_lowercase().starts_with(prefix.to_lowercase().as_str())),
        Expr::Any(p, lit) => get_ci(item, p)
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|v| lit_matches(Some(v), lit))),
        Expr::Unsupported(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn m(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn parses_client_forms() {
        let item = m(
            json!({"appId": "ABC", "displayName": "O'Brien App", "consentType": "AllPrincipals",
            "servicePrincipalNames": ["https://x"]}),
        );
        assert!(eval(&parse("appId eq 'abc'").unwrap(), &item));
        assert!(eval(
            &parse("displayName eq 'O''Brien App'").unwrap(),
            &item
        ));
        assert!(eval(
            &parse("startswith(displayName,'o''b')").unwrap(),
            &item
        ));
        assert!(eval(
            &parse("appId eq 'abc' and consentType eq 'AllPrincipals'").unwrap(),
            &item
        ));
        assert!(eval(
            &parse("(appId eq 'x') or (appId eq 'abc')").unwrap(),
            &item
        ));
        assert!(eval(&parse("appId in ('x','abc')").unwrap(), &item));
        assert!(eval(
            &parse("servicePrincipalNames/any(c:c eq 'https://x')").unwrap(),
            &item
        ));
        assert!(!eval(&parse("appId eq 'zzz'").unwrap(), &item));
    }

    #[test]
    fn rejects_bad_syntax_and_unsupported() {
        assert_eq!(parse("appId eq").unwrap_err().code, "BadRequest");
        assert_eq!(parse("appId eq 'x").unwrap_err().code, "BadRequest");
        let e = parse("appId ne 'x'").unwrap();
        assert_eq!(
            check(&e, &[("appId", EQ)], "application").unwrap_err().code,
            "Request_UnsupportedQuery"
        );
        let e = parse("notes eq 'x'").unwrap();
        assert_eq!(
            check(&e, &[("appId", EQ)], "application").unwrap_err().code,
            "Request_UnsupportedQuery"
        );
    }
}
