//! A YAML writer for JSON values: `cargo xtask downgrade` writes the 3.0 rewrite of a 3.1
//! document with it, and the openapi31 tests keep their expected outputs in it. Block style,
//! quoted wherever a plain scalar could read back as something else.

use serde_json::{Map, Value};

/// Renders a JSON value as block-style YAML that any YAML 1.1 or 1.2 reader (PyYAML included)
/// reads back as the same value: strings that could read as anything else are double-quoted.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => yaml_map(map, 0, false, &mut out),
        Value::Array(items) if !items.is_empty() => yaml_seq(items, 0, &mut out),
        scalar => {
            out.push_str(&yaml_scalar(scalar, 0));
            out.push('\n');
        }
    }
    out
}

/// With `inline`, the first key follows a `- ` already written.
fn yaml_map(map: &Map<String, Value>, indent: usize, inline: bool, out: &mut String) {
    for (i, (key, value)) in map.iter().enumerate() {
        if !(inline && i == 0) {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&yaml_string(key, indent, false));
        out.push(':');
        yaml_value(value, indent, out);
    }
}

fn yaml_seq(items: &[Value], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                out.push(' ');
                yaml_map(map, indent + 2, true, out);
            }
            item => yaml_value(item, indent, out),
        }
    }
}

/// Writes what follows `key:` or `-`.
fn yaml_value(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            yaml_map(map, indent + 2, false, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            yaml_seq(items, indent + 2, out);
        }
        scalar => {
            out.push(' ');
            out.push_str(&yaml_scalar(scalar, indent + 2));
            out.push('\n');
        }
    }
}

fn yaml_scalar(value: &Value, indent: usize) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => yaml_number(n),
        Value::String(s) => yaml_string(s, indent, true),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

/// YAML 1.1 readers (PyYAML) take `1e7` for a string: a float needs a dot and a signed exponent.
fn yaml_number(n: &serde_json::Number) -> String {
    let text = n.to_string();
    if n.is_f64() {
        let (mantissa, exponent) = text.split_once(['e', 'E']).map_or((text.as_str(), None), |(m, e)| (m, Some(e)));
        let mantissa = if mantissa.contains('.') { mantissa.to_owned() } else { format!("{mantissa}.0") };
        return match exponent {
            Some(e) if e.starts_with(['-', '+']) => format!("{mantissa}e{e}"),
            Some(e) => format!("{mantissa}e+{e}"),
            None => mantissa,
        };
    }
    text
}

fn yaml_string(s: &str, indent: usize, block_ok: bool) -> String {
    if is_plain_safe(s) {
        return s.to_owned();
    }
    if block_ok && is_literal_block_safe(s) {
        let chomp = if s.ends_with('\n') { "" } else { "-" };
        let pad = " ".repeat(indent);
        let body: Vec<String> = s
            .trim_end_matches('\n')
            .split('\n')
            .map(|line| if line.is_empty() { String::new() } else { format!("{pad}{line}") })
            .collect();
        return format!("|{chomp}\n{}", body.join("\n"));
    }
    // A JSON string is a YAML double-quoted scalar once every control character is escaped.
    let mut quoted = String::with_capacity(s.len() + 2);
    quoted.push('"');
    for c in s.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            c if c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}' => {
                quoted.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// Plain scalars are kept to words that no YAML reader takes for a number, a date, a boolean or
/// null, or for syntax.
fn is_plain_safe(s: &str) -> bool {
    const SPECIAL: &[&str] = &["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"];
    let Some(first) = s.chars().next() else { return false };
    (first.is_ascii_alphabetic() || first == '_' || first == '/' || first == '$')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || " _./$()-+".contains(c))
        && !s.ends_with(' ')
        && !SPECIAL.contains(&s.to_ascii_lowercase().as_str())
}

/// Whether `|`/`|-` reproduces `s` exactly: at most one final newline, no carriage returns or
/// control characters, no trailing spaces, and a first line that does not start with a space.
fn is_literal_block_safe(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && !s.ends_with("\n\n")
        && !s.chars().any(|c| (c.is_control() && c != '\n') || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}')
        && s.split('\n').all(|line| !line.ends_with([' ', '\t']))
}
