//! A small XML reader for the few SOAP messages exowiz and its demo tenant exchange with EWS:
//! elements by local name (namespace prefixes dropped), attributes, text. It is not a general
//! XML parser: no DTDs (refused), no namespace resolution, entities limited to the five XML
//! ones and character references. Enough for `GetFolder` and SOAP faults, without a dependency.

/// One element: its local name, attributes (local names) and content.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The element's own text (not its children's), entities decoded, not trimmed.
    pub text: String,
}

/// Deeper documents are refused (a SOAP message needs about ten levels).
const MAX_DEPTH: usize = 64;

impl Element {
    /// The value of the attribute with this local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first direct child with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The first element with this local name in document order, this one included.
    pub fn find(&self, name: &str) -> Option<&Element> {
        if self.name == name {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(name))
    }

    /// The trimmed text of the first element named `name` (see [`Element::find`]).
    pub fn text_of(&self, name: &str) -> Option<&str> {
        self.find(name).map(|e| e.text.trim())
    }
}

/// Escapes text or an attribute value for XML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Parses a document into its root element. The error is a short English phrase (it ends up
/// in a SOAP fault or in the log, never on its own in front of an admin).
pub fn parse(input: &str) -> Result<Element, String> {
    let mut p = Parser { s: input, pos: 0 };
    p.skip_prolog()?;
    let root = p.element(0)?;
    p.skip_misc()?;
    if p.pos < p.s.len() {
        return Err("content after the root element".into());
    }
    Ok(root)
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

fn local(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.pos = self.s.len() - trimmed.len();
    }

    /// Skips `<?…?>` and comments before the root; refuses a DOCTYPE.
    fn skip_prolog(&mut self) -> Result<(), String> {
        // A byte-order mark may precede the declaration.
        if self.rest().starts_with('\u{feff}') {
            self.pos += '\u{feff}'.len_utf8();
        }
        self.skip_misc()
    }

    fn skip_misc(&mut self) -> Result<(), String> {
        loop {
            self.skip_ws();
            let rest = self.rest();
            if rest.starts_with("<?") {
                self.skip_past("?>")?;
            } else if rest.starts_with("<!--") {
                self.skip_past("-->")?;
            } else if rest.starts_with("<!") {
                return Err("document type declarations are not accepted".into());
            } else {
                return Ok(());
            }
        }
    }

    fn skip_past(&mut self, end: &str) -> Result<(), String> {
        match self.rest().find(end) {
            Some(i) => {
                self.pos += i + end.len();
                Ok(())
            }
            None => Err(format!("unterminated markup (no '{end}')")),
        }
    }

    fn name(&mut self) -> Result<&'a str, String> {
        let rest = self.rest();
        let len = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '>' | '/' | '='))
            .unwrap_or(rest.len());
        if len == 0 {
            return Err("a name was expected".into());
        }
        self.pos += len;
        Ok(&rest[..len])
    }

    fn element(&mut self, depth: usize) -> Result<Element, String> {
        if depth > MAX_DEPTH {
            return Err("the document is nested too deeply".into());
        }
        if !self.rest().starts_with('<') {
            return Err("an element was expected".into());
        }
        self.pos += 1;
        let qname = self.name()?;
        let mut el = Element {
            name: local(qname).to_string(),
            ..Element::default()
        };
        loop {
            self.skip_ws();
            let rest = self.rest();
            if rest.starts_with("/>") {
                self.pos += 2;
                return Ok(el);
            }
            if rest.starts_with('>') {
                self.pos += 1;
                break;
            }
            let attr = self.name()?;
            self.skip_ws();
            if !self.rest().starts_with('=') {
                return Err(format!("attribute '{attr}' has no value"));
            }
            self.pos += 1;
            self.skip_ws();
            let quote = self
                .rest()
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'');
            let Some(quote) = quote else {
                return Err(format!("attribute '{attr}' is not quoted"));
            };
            self.pos += 1;
            let end = self
                .rest()
                .find(quote)
                .ok_or_else(|| format!("attribute '{attr}' is not closed"))?;
            let raw = &self.rest()[..end];
            self.pos += end + 1;
            // Namespace declarations are not attributes of the message.
            if attr != "xmlns" && !attr.starts_with("xmlns:") {
                el.attrs.push((local(attr).to_string(), decode(raw)?));
            }
        }
        // Content up to the matching end tag.
        loop {
            let rest = self.rest();
            let Some(lt) = rest.find('<') else {
                return Err(format!("element '{qname}' is not closed"));
            };
            el.text.push_str(&decode(&rest[..lt])?);
            self.pos += lt;
            let rest = self.rest();
            if let Some(after) = rest.strip_prefix("</") {
                let end = after
                    .find('>')
                    .ok_or_else(|| format!("end tag of '{qname}' is not closed"))?;
                if after[..end].trim() != qname {
                    return Err(format!("'{qname}' is closed by '{}'", after[..end].trim()));
                }
                self.pos += 2 + end + 1;
                return Ok(el);
            } else if rest.starts_with("<!--") {
                self.skip_past("-->")?;
            } else if let Some(after) = rest.strip_prefix("<![CDATA[") {
                let end = after.find("]]>").ok_or("unterminated CDATA section")?;
                el.text.push_str(&after[..end]);
                self.pos += "<![CDATA[".len() + end + 3;
            } else if rest.starts_with("<?") {
                self.skip_past("?>")?;
            } else if rest.starts_with("<!") {
                return Err("document type declarations are not accepted".into());
            } else {
                let child = self.element(depth + 1)?;
                el.children.push(child);
            }
        }
    }
}

/// Decodes the five XML entities and character references.
fn decode(raw: &str) -> Result<String, String> {
    if !raw.contains('&') {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let semi = after.find(';').ok_or("an entity is not closed")?;
        let entity = &after[..semi];
        let c = match entity {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = if let Some(hex) = entity.strip_prefix("#x") {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = entity.strip_prefix('#') {
                    dec.parse().ok()
                } else {
                    None
                };
                code.and_then(char::from_u32)
                    .ok_or_else(|| format!("unknown entity '&{entity};'"))?
            }
        };
        out.push(c);
        rest = &after[semi + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The successful response of Microsoft's GetFolder operation reference
    /// (office-developer-exchange-docs, docs/web-service-reference/getfolder-operation.md).
    const GET_FOLDER_RESPONSE: &str = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
               xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
               xmlns:xsd="http://www.w3.org/2001/XMLSchema">
  <soap:Header>
    <t:ServerVersionInfo MajorVersion="8" MinorVersion="0" MajorBuildNumber="628" MinorBuildNumber="0"
                         xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" />
  </soap:Header>
  <soap:Body>
    <GetFolderResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
                       xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"
                       xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">
      <m:ResponseMessages>
        <m:GetFolderResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:Folders>
            <t:Folder>
              <t:FolderId Id="AQApA=" ChangeKey="AQAAAB" />
              <t:DisplayName>Inbox</t:DisplayName>
              <t:TotalCount>2</t:TotalCount>
              <t:ChildFolderCount>0</t:ChildFolderCount>
              <t:UnreadCount>2</t:UnreadCount>
            </t:Folder>
          </m:Folders>
        </m:GetFolderResponseMessage>
      </m:ResponseMessages>
    </GetFolderResponse>
  </soap:Body>
</soap:Envelope>"#;

    #[test]
    fn reads_microsofts_get_folder_response() {
        let root = parse(GET_FOLDER_RESPONSE).unwrap();
        assert_eq!(root.name, "Envelope");
        let msg = root.find("GetFolderResponseMessage").unwrap();
        assert_eq!(msg.attr("ResponseClass"), Some("Success"));
        assert_eq!(root.text_of("ResponseCode"), Some("NoError"));
        assert_eq!(root.find("FolderId").unwrap().attr("Id"), Some("AQApA="));
        assert_eq!(root.text_of("DisplayName"), Some("Inbox"));
        assert_eq!(
            root.find("ServerVersionInfo").unwrap().attr("MajorVersion"),
            Some("8")
        );
    }

    #[test]
    fn entities_cdata_comments_and_escaping() {
        let root = parse(
            "<?xml version=\"1.0\"?><!-- c --><a x='1 &amp; 2'>&lt;b&gt; &#65;&#x42;<![CDATA[<raw>]]><!-- d --></a>",
        )
        .unwrap();
        assert_eq!(root.attr("x"), Some("1 & 2"));
        assert_eq!(root.text, "<b> AB<raw>");
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
        let round = parse(&format!("<v>{}</v>", escape("a<&>\"'b"))).unwrap();
        assert_eq!(round.text, "a<&>\"'b");
    }

    #[test]
    fn refuses_broken_documents_with_a_reason() {
        for bad in [
            "",
            "<a>",
            "<a></b>",
            "<a x=1/>",
            "<a/><b/>",
            "<!DOCTYPE a [<!ENTITY e 'x'>]><a>&e;</a>",
            "<a>&e;</a>",
            "text",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} was accepted");
        }
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert!(parse(&deep).unwrap_err().contains("deeply"));
    }
}
