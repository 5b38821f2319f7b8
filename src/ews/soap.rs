//! The SOAP exowiz sends to EWS and what it reads back. The request is what an EWS connector
//! sends for one mailbox with `full_access_as_app`: `GetFolder` of the inbox, impersonating the
//! mailbox (`ExchangeImpersonation/ConnectingSID/PrimarySmtpAddress`, as in Microsoft's
//! "Identify the account to impersonate", office-developer-exchange-docs
//! how-to-identify-the-account-to-impersonate.md; the GetFolder body as in the GetFolder
//! operation reference, getfolder-operation.md).

use super::xml::{self, Element, escape};

/// `GetFolder` of `DistinguishedFolderId Id="inbox"` in `mailbox`, impersonating it.
pub fn get_inbox_request(mailbox: &str) -> String {
    let mailbox = escape(mailbox);
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
  <soap:Header>
    <t:RequestServerVersion Version="Exchange2013_SP1"/>
    <t:ExchangeImpersonation>
      <t:ConnectingSID>
        <t:PrimarySmtpAddress>{mailbox}</t:PrimarySmtpAddress>
      </t:ConnectingSID>
    </t:ExchangeImpersonation>
  </soap:Header>
  <soap:Body>
    <m:GetFolder>
      <m:FolderShape>
        <t:BaseShape>IdOnly</t:BaseShape>
        <t:AdditionalProperties>
          <t:FieldURI FieldURI="folder:DisplayName"/>
        </t:AdditionalProperties>
      </m:FolderShape>
      <m:FolderIds>
        <t:DistinguishedFolderId Id="inbox"/>
      </m:FolderIds>
    </m:GetFolder>
  </soap:Body>
</soap:Envelope>"#
    )
}

/// What a SOAP answer says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SoapAnswer {
    /// `ResponseClass="Success"` with the folder.
    Folder { id: String, display_name: String },
    /// A SOAP fault or a response message with `ResponseClass="Error"`: its `ResponseCode`
    /// (e.g. `ErrorNonExistentMailbox`) and message.
    Error { code: String, message: String },
    /// Not a SOAP message exowiz understands (the reason, for the log).
    Unreadable(String),
}

/// Reads a GetFolder answer or a SOAP fault.
pub fn read_answer(body: &str) -> SoapAnswer {
    let root = match xml::parse(body) {
        Ok(r) if r.name == "Envelope" => r,
        Ok(r) => return SoapAnswer::Unreadable(format!("the root element is {}", r.name)),
        Err(e) => return SoapAnswer::Unreadable(e),
    };
    if let Some(fault) = root.find("Fault") {
        // Exchange puts its code into detail/ResponseCode and faultcode ("a:ErrorX").
        let code = fault
            .text_of("ResponseCode")
            .map(str::to_string)
            .or_else(|| {
                fault
                    .text_of("faultcode")
                    .map(|c| c.rsplit(':').next().unwrap_or(c).to_string())
            })
            .unwrap_or_default();
        let message = fault
            .text_of("Message")
            .or_else(|| fault.text_of("faultstring"))
            .unwrap_or_default()
            .to_string();
        return SoapAnswer::Error { code, message };
    }
    let Some(msg) = root.find("GetFolderResponseMessage") else {
        return SoapAnswer::Unreadable("no GetFolderResponseMessage".into());
    };
    if msg.attr("ResponseClass") != Some("Success") {
        return SoapAnswer::Error {
            code: msg.text_of("ResponseCode").unwrap_or_default().to_string(),
            message: msg.text_of("MessageText").unwrap_or_default().to_string(),
        };
    }
    let folder = msg.find("Folder").or_else(|| first_folder(msg));
    match folder {
        Some(f) => SoapAnswer::Folder {
            id: f
                .find("FolderId")
                .and_then(|i| i.attr("Id"))
                .unwrap_or_default()
                .to_string(),
            display_name: f.text_of("DisplayName").unwrap_or_default().to_string(),
        },
        None => SoapAnswer::Unreadable("a Success message without a folder".into()),
    }
}

/// The first child of `Folders` (a `CalendarFolder`, `SearchFolder`, … for other folders).
fn first_folder(msg: &Element) -> Option<&Element> {
    msg.find("Folders").and_then(|f| f.children.first())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_impersonates_the_mailbox_and_asks_for_the_inbox() {
        let body = get_inbox_request("fax&transfer@contoso.com");
        let root = xml::parse(&body).unwrap();
        assert_eq!(
            root.find("ExchangeImpersonation")
                .unwrap()
                .text_of("PrimarySmtpAddress"),
            Some("fax&transfer@contoso.com")
        );
        let op = root.find("Body").unwrap().children.first().unwrap();
        assert_eq!(op.name, "GetFolder");
        assert_eq!(
            op.find("DistinguishedFolderId").unwrap().attr("Id"),
            Some("inbox")
        );
    }

    /// Microsoft's examples: the GetFolder success and error responses
    /// (getfolder-operation.md) and a fault (getserviceconfiguration-operation.md's shape).
    #[test]
    fn reads_success_error_messages_and_faults() {
        let ok = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:GetFolderResponse xmlns:m="m" xmlns:t="t"><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:Folder><t:FolderId Id="AQApA=" ChangeKey="AQAAAB" /><t:DisplayName>Inbox</t:DisplayName></t:Folder></m:Folders></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>"#;
        assert_eq!(
            read_answer(ok),
            SoapAnswer::Folder {
                id: "AQApA=".into(),
                display_name: "Inbox".into()
            }
        );
        let error = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><GetFolderResponse xmlns:m="m" xmlns="m"><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Error"><m:MessageText>Id is malformed.</m:MessageText><m:ResponseCode>ErrorInvalidIdMalformed</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Folders /></m:GetFolderResponseMessage></m:ResponseMessages></GetFolderResponse></soap:Body></soap:Envelope>"#;
        assert_eq!(
            read_answer(error),
            SoapAnswer::Error {
                code: "ErrorInvalidIdMalformed".into(),
                message: "Id is malformed.".into()
            }
        );
        let fault = r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorImpersonateUserDenied</faultcode><faultstring xml:lang="en-US">The account does not have permission to impersonate the requested user.</faultstring><detail><e:ResponseCode xmlns:e="e">ErrorImpersonateUserDenied</e:ResponseCode><e:Message xmlns:e="e">The account does not have permission to impersonate the requested user.</e:Message></detail></s:Fault></s:Body></s:Envelope>"#;
        assert_eq!(
            read_answer(fault),
            SoapAnswer::Error {
                code: "ErrorImpersonateUserDenied".into(),
                message: "The account does not have permission to impersonate the requested user."
                    .into()
            }
        );
        let bare = r#"<s:Envelope xmlns:s="s"><s:Body><s:Fault><faultcode>a:ErrorServerBusy</faultcode><faultstring>busy</faultstring></s:Fault></s:Body></s:Envelope>"#;
        assert!(
            matches!(read_answer(bare), SoapAnswer::Error { code, .. } if code == "ErrorServerBusy")
        );
        assert!(matches!(read_answer("<html>"), SoapAnswer::Unreadable(_)));
        assert!(matches!(read_answer("<a/>"), SoapAnswer::Unreadable(_)));
    }
}
