//! The SOAP messages the demo tenant's EWS sends back, shaped like Microsoft's examples:
//! the GetFolder response (getfolder-operation.md) and a SOAP fault
//! (getserviceconfiguration-operation.md's error example).

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use mini_xml::escape;

const TYPES_NS: &str = "http://schemas.microsoft.com/exchange/services/2006/types";
const MESSAGES_NS: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
const ERRORS_NS: &str = "http://schemas.microsoft.com/exchange/services/2006/errors";

/// Exchange Online's version stamp (Exchange 2016+ builds say 15.20.x, schema V2018_01_08).
const SERVER_VERSION: &str = r#"<h:ServerVersionInfo MajorVersion="15" MinorVersion="20" MajorBuildNumber="8000" MinorBuildNumber="0" Version="V2018_01_08" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types" xmlns="http://schemas.microsoft.com/exchange/services/2006/types"/>"#;

fn xml_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
        body,
    )
        .into_response()
}

/// HTTP 500 with a SOAP fault; `value` adds `MessageXml/Value Name=…` (as Exchange does for
/// ErrorNonExistentMailbox).
pub fn fault(code: &str, message: &str, value: Option<(&str, &str)>) -> Response {
    let message = escape(message);
    let extra = value
        .map(|(name, v)| {
            format!(
                r#"<t:MessageXml xmlns:t="{TYPES_NS}"><t:Value Name="{}">{}</t:Value></t:MessageXml>"#,
                escape(name),
                escape(v)
            )
        })
        .unwrap_or_default();
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode xmlns:a="{TYPES_NS}">a:{code}</faultcode><faultstring xml:lang="en-US">{message}</faultstring><detail><e:ResponseCode xmlns:e="{ERRORS_NS}">{code}</e:ResponseCode><e:Message xmlns:e="{ERRORS_NS}">{message}</e:Message>{extra}</detail></s:Fault></s:Body></s:Envelope>"#
    );
    xml_response(StatusCode::INTERNAL_SERVER_ERROR, body)
}

/// Display names of the distinguished folders the demo mailboxes have (English mailboxes).
fn display_name(distinguished: &str) -> Option<&'static str> {
    Some(match distinguished.to_ascii_lowercase().as_str() {
        "inbox" => "Inbox",
        "msgfolderroot" => "Top of Information Store",
        "sentitems" => "Sent Items",
        "drafts" => "Drafts",
        "deleteditems" => "Deleted Items",
        "outbox" => "Outbox",
        "junkemail" => "Junk Email",
        "calendar" => "Calendar",
        "contacts" => "Contacts",
        "tasks" => "Tasks",
        "notes" => "Notes",
        _ => return None,
    })
}

/// A stable, opaque folder ID per mailbox and folder (base64, like Exchange's).
fn folder_id(mailbox: &str, folder: &str) -> (String, String) {
    let digest = Sha256::digest(format!("{mailbox}/{}", folder.to_ascii_lowercase()));
    let id = STANDARD.encode([b"AAMkA".as_slice(), &digest[..24]].concat());
    let change_key = STANDARD.encode(&digest[24..]);
    (id, change_key)
}

/// HTTP 200 with one response message per folder asked for (Success, or the response error
/// `ErrorFolderNotFound` for a name the demo mailboxes do not have).
pub fn get_folder_response(mailbox: &str, folders: &[String]) -> Response {
    let mut messages = String::new();
    for folder in folders {
        match display_name(folder) {
            Some(name) => {
                let (id, change_key) = folder_id(mailbox, folder);
                messages.push_str(&format!(
                    r#"<m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:Folder><t:FolderId Id="{id}" ChangeKey="{change_key}"/><t:DisplayName>{name}</t:DisplayName><t:TotalCount>0</t:TotalCount><t:ChildFolderCount>0</t:ChildFolderCount><t:UnreadCount>0</t:UnreadCount></t:Folder></m:Folders></m:GetFolderResponseMessage>"#
                ));
            }
            None => messages.push_str(
                r#"<m:GetFolderResponseMessage ResponseClass="Error"><m:MessageText>The specified folder could not be found in the store.</m:MessageText><m:ResponseCode>ErrorFolderNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Folders/></m:GetFolderResponseMessage>"#,
            ),
        }
    }
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>{SERVER_VERSION}</s:Header><s:Body><m:GetFolderResponse xmlns:m="{MESSAGES_NS}" xmlns:t="{TYPES_NS}"><m:ResponseMessages>{messages}</m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>"#
    );
    xml_response(StatusCode::OK, body)
}
