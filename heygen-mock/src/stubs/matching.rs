//! Which operation a request is for, and why no stub matched it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::generated::ROUTES;
use super::{Mounted, Raw};

/// The operation whose path template matches `method` and `path`, with the path parameters.
/// Where several templates match (`/v3/videos/statuses` and `/v3/videos/{video_id}`), the one
/// with fewest parameters wins, as HeyGen's literal routes do.
pub(crate) fn route(method: &str, path: &str) -> Option<(&'static str, BTreeMap<String, String>)> {
    ROUTES
        .iter()
        .filter(|(_, m, _)| m.eq_ignore_ascii_case(method))
        .filter_map(|(id, _, template)| Some((*id, captures(template, path)?)))
        .min_by_key(|(_, params)| params.len())
}

/// The parameters of `template` in `path`, when it matches.
fn captures(template: &str, path: &str) -> Option<BTreeMap<String, String>> {
    let (wanted, given): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    if wanted.len() != given.len() {
        return None;
    }
    let mut params = BTreeMap::new();
    for (want, got) in wanted.iter().zip(&given) {
        match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            Some(name) if !got.is_empty() => {
                params.insert(name.to_owned(), percent_decode(got, false));
            }
            Some(_) => return None,
            None if want == got => {}
            None => return None,
        }
    }
    Some(params)
}

/// The query string's pairs, decoded.
pub(crate) fn query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key, true), percent_decode(value, true))
        })
        .collect()
}

/// `text` with its `%XX` escapes decoded; `+` is a space only in a query (form encoding).
fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push((high * 16 + low) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Where `actual` first differs from `expected`, as `at /pointer: expected X, got Y`.
pub(crate) fn difference(expected: &Value, actual: &Value, at: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for (key, value) in want {
                let here = format!("{at}/{key}");
                match got.get(key) {
                    Some(other) => {
                        if let Some(d) = difference(value, other, &here) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("at {here}: expected {value}, it is missing")),
                }
            }
            got.keys()
                .find(|key| !want.contains_key(*key))
                .map(|key| format!("at {at}/{key}: not expected, got {}", got[key]))
        }
        (Value::Array(want), Value::Array(got)) if want.len() == got.len() => {
            want.iter().zip(got).enumerate().find_map(|(i, (w, g))| difference(w, g, &format!("{at}/{i}")))
        }
        _ if expected == actual => None,
        _ => Some(format!("at {}: expected {expected}, got {actual}", if at.is_empty() { "/" } else { at })),
    }
}

/// Why no stub answered `raw`: the closest stub (same operation, fewest failed conditions; the
/// newest on a tie) and its reasons, or what is mounted when no stub has its operation.
pub(crate) fn explain(raw: &Raw, stubs: &[Mounted]) -> String {
    let request = format!("{} {}", raw.method, raw.path);
    let Some(operation) = raw.operation else {
        let same_method: Vec<&str> = ROUTES
            .iter()
            .filter(|(_, m, _)| m.eq_ignore_ascii_case(&raw.method))
            .filter(|(_, _, template)| shared_prefix(template, &raw.path) > 1)
            .map(|(_, _, template)| *template)
            .collect();
        let hint = match same_method.as_slice() {
            [] => String::new(),
            near => format!(" (near: {})", near.join(", ")),
        };
        return format!("no stub matched {request}: it is no v3 operation's method and path{hint}");
    };
    let candidates = stubs.iter().filter(|stub| stub.operation == operation);
    let judged = candidates.map(|stub| {
        let mut reasons = (stub.check)(raw);
        if stub.remaining == Some(0) {
            reasons.push("it has answered all the times it was given".to_owned());
        }
        (stub, reasons)
    });
    let closest = judged.rev().min_by_key(|(_, reasons)| reasons.len());
    match closest {
        Some((stub, reasons)) => format!(
            "no stub matched {request} (`{operation}`); the closest, stub #{} of `{operation}`, did not because {}",
            stub.number,
            reasons.join("; and ")
        ),
        None => {
            let mut mounted: Vec<&str> = stubs.iter().map(|stub| stub.operation).collect();
            mounted.dedup();
            let mounted = if mounted.is_empty() {
                "no stubs are mounted".to_owned()
            } else {
                format!("stubs are mounted for {}", mounted.join(", "))
            };
            format!("no stub matched {request}: no stub of `{operation}` is mounted ({mounted})")
        }
    }
}

/// How many leading segments `template` and `path` share.
fn shared_prefix(template: &str, path: &str) -> usize {
    template.split('/').zip(path.split('/')).take_while(|(a, b)| a == b).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_route_wins_over_a_parameter_and_parameters_are_decoded() {
        assert_eq!(route("GET", "/v3/videos/statuses").unwrap().0, "list_video_statuses");
        let (id, params) = route("GET", "/v3/videos/a%2Fb+c").unwrap();
        assert_eq!((id, params["video_id"].as_str()), ("get_video", "a/b+c"));
        assert_eq!(route("PUT", "/v3/videos/x"), None);
        assert_eq!(
            query("a=1+2&b=%3D&c"),
            [("a".into(), "1 2".into()), ("b".into(), "=".into()), ("c".into(), String::new())]
        );
    }

    #[test]
    fn the_first_difference_is_named_by_its_pointer() {
        let (want, got) = (serde_json::json!({"a": {"b": [1, 2]}}), serde_json::json!({"a": {"b": [1, 3]}}));
        assert_eq!(difference(&want, &got, "").unwrap(), "at /a/b/1: expected 2, got 3");
        let extra = serde_json::json!({"a": {"b": [1, 2]}, "c": true});
        assert_eq!(difference(&want, &extra, "").unwrap(), "at /c: not expected, got true");
        assert_eq!(difference(&want, &want, ""), None);
    }
}
