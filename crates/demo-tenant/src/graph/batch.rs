//! `POST /v1.0/$batch`: up to 20 requests, run in order, `dependsOn` honoured (424 for
//! dependents of a failed request), each item throttled on its own.

use std::collections::HashMap;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use serde_json::{Map, Value, json};

use super::super::errors::GraphError;
use super::super::shared::Shared;
use super::super::util::new_guid;
use super::GResp;

const MAX_REQUESTS: usize = 20;

fn bad(message: &str, rid: &str, crid: &str) -> GResp {
    GResp::error(&GraphError::new(400, "BadRequest", message), rid, crid)
}

fn item_response(id: &str, r: GResp) -> Value {
    let mut headers = Map::new();
    for (k, v) in r.headers {
        headers.insert(k, Value::String(v));
    }
    if r.body.is_some() {
        headers.insert(
            "Content-Type".into(),
            Value::String("application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8".into()),
        );
    }
    let mut out = json!({"id": id, "status": r.status, "headers": headers});
    if let Some(b) = r.body {
        out["body"] = b;
    }
    out
}

pub fn handle(shared: &Shared, headers: &HeaderMap, body: &[u8], rid: &str, crid: &str) -> GResp {
    let Ok(Value::Object(payload)) = serde_json::from_slice::<Value>(body) else {
        return bad("Invalid batch payload format.", rid, crid);
    };
    let Some(requests) = payload.get("requests").and_then(Value::as_array) else {
        return bad("Invalid batch payload format.", rid, crid);
    };
    if requests.len() > MAX_REQUESTS {
        return bad(
            "The number of requests in the batch exceeds the maximum of 20.",
            rid,
            crid,
        );
    }
    let mut ids = Vec::new();
    for r in requests {
        let Some(id) = r.get("id").and_then(|v| {
            v.as_str()
                .map(str::to_string)
                .or_else(|| v.as_u64().map(|n| n.to_string()))
        }) else {
            return bad("Each request in the batch needs an 'id'.", rid, crid);
        };
        if ids.contains(&id) {
            return bad("Batch request ids must be unique.", rid, crid);
        }
        ids.push(id);
    }
    let mut status_of: HashMap<String, u16> = HashMap::new();
    let mut responses = Vec::new();
    for (r, id) in requests.iter().zip(ids) {
        let item_rid = new_guid();
        let depends: Vec<String> = r
            .get("dependsOn")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let failed_dependency = depends
            .iter()
            .any(|d| status_of.get(d).is_none_or(|s| *s >= 400));
        let resp = if failed_dependency {
            GResp::error(
                &GraphError::new(
                    424,
                    "FailedDependency",
                    "The request failed because a request it depends on failed or was not run.",
                ),
                &item_rid,
                crid,
            )
        } else if let Some((status, retry)) = shared.take_throttle() {
            let mut e = GraphError::new(
                status,
                if status == 429 {
                    "TooManyRequests"
                } else {
                    "ServiceUnavailable"
                },
                "Too many requests. Please retry after the number of seconds in the Retry-After header.",
            );
            e.retry_after = retry;
            GResp::error(&e, &item_rid, crid)
        } else {
            run_item(shared, headers, r, &item_rid, crid)
        };
        status_of.insert(id.clone(), resp.status);
        responses.push(item_response(&id, resp));
    }
    GResp::ok(json!({ "responses": responses }))
}

fn run_item(shared: &Shared, outer: &HeaderMap, r: &Value, rid: &str, crid: &str) -> GResp {
    let method = r
        .get("method")
        .and_then(Value::as_str)
        .and_then(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()).ok());
    let Some(method) = method else {
        return bad("The batch request needs a valid 'method'.", rid, crid);
    };
    let Some(url) = r.get("url").and_then(Value::as_str) else {
        return bad("The batch request needs a 'url'.", rid, crid);
    };
    let url = url
        .strip_prefix("https://graph.microsoft.com/v1.0")
        .unwrap_or(url);
    let (path, query) = match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url, None),
    };
    let path = format!("/{}", path.trim_start_matches('/'));
    let mut headers = outer.clone();
    headers.remove("content-type");
    let mut has_content_type = false;
    if let Some(Value::Object(h)) = r.get("headers") {
        for (k, v) in h {
            if let (Ok(name), Some(Ok(value))) = (
                HeaderName::from_bytes(k.as_bytes()),
                v.as_str().map(HeaderValue::from_str),
            ) {
                if name == "content-type" {
                    has_content_type = true;
                }
                headers.insert(name, value);
            }
        }
    }
    let body = match r.get("body") {
        None | Some(Value::Null) => Vec::new(),
        Some(b) => {
            if !has_content_type {
                return bad(
                    "Write request does not contain a Content-Type header for its body.",
                    rid,
                    crid,
                );
            }
            b.to_string().into_bytes()
        }
    };
    super::handle(shared, &method, &path, query, &headers, &body, (rid, crid))
}
