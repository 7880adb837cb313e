//! Load: YAML (or JSON) text into an [`openapiv3::OpenAPI`], remembering the line of every node
//! so that later stages can report problems as `file:line` plus a JSON pointer. An OpenAPI 3.1
//! document goes through [`crate::downgrade`] first, keeping the lines of its source.

use std::collections::HashMap;
use std::path::Path;

use openapiv3::OpenAPI;
use serde_json::{Map, Number, Value};
use yaml_rust2::Yaml;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::downgrade;
use crate::error::SpecError;
use crate::source::{LineIndex, Problem, escape_segment};

/// A parsed spec together with where each of its nodes came from.
pub struct LoadedSpec {
    pub openapi: OpenAPI,
    /// The document as openapiv3 read it: 3.0, after the downgrade for a 3.1 source.
    pub json: Value,
    pub lines: LineIndex,
    /// The `openapi` version of a 3.1 source that was downgraded, else `None`.
    pub downgraded_from: Option<String>,
    /// What the downgrade approximated or dropped (empty for a 3.0 source).
    pub notes: Vec<Problem>,
}

/// Parses `source` (the contents of `file`) as an OpenAPI 3.0 document, or as a 3.1 document
/// rewritten into 3.0.
pub fn load(file: &Path, source: &str) -> Result<LoadedSpec, SpecError> {
    let (json, lines) = parse(file, source)?;
    let (json, lines, downgraded_from, notes) = if downgrade::is_openapi_31(&json) {
        let version = json["openapi"].as_str().map(str::to_owned);
        let downgraded = downgrade::downgrade(&json, &lines).map_err(|problems| SpecError::new(file, problems))?;
        (downgraded.json, downgraded.lines, version, downgraded.notes)
    } else {
        (json, lines, None, Vec::new())
    };
    let openapi: OpenAPI = serde_path_to_error::deserialize(&json).map_err(|e| {
        let pointer = pointer_of(e.path());
        let message = format!("not a valid OpenAPI 3.0 document: {}", e.inner());
        SpecError::new(file, vec![lines.problem(pointer, message)])
    })?;
    Ok(LoadedSpec { openapi, json, lines, downgraded_from, notes })
}

/// Parses YAML or JSON text into a JSON value and the line of each of its nodes.
pub fn parse(file: &Path, source: &str) -> Result<(Value, LineIndex), SpecError> {
    let fail = |line, pointer: String, message: String| SpecError::new(file, vec![Problem { line, pointer, message }]);
    let mut builder = JsonBuilder::default();
    Parser::new_from_str(source)
        .load(&mut builder, false)
        .map_err(|e| fail(e.marker().line(), String::new(), format!("invalid YAML: {}", e.info())))?;
    if let Some((line, message)) = builder.error {
        return Err(fail(line, String::new(), message));
    }
    let json = builder.finished.ok_or_else(|| fail(1, String::new(), "the file holds no YAML document".into()))?;
    Ok((json, LineIndex::from_map(builder.lines)))
}

pub(crate) fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(escape_segment(key)),
            Segment::Enum { variant } => Some(escape_segment(variant)),
            Segment::Unknown => None,
        })
        .fold(String::new(), |pointer, segment| pointer + "/" + &segment)
}

/// Builds a [`Value`] from parser events, recording the line each node starts on.
#[derive(Default)]
struct JsonBuilder {
    /// Open collections; a mapping carries the key waiting for its value.
    stack: Vec<(Value, Option<String>, String)>,
    anchors: HashMap<usize, Value>,
    anchor_of_open: Vec<usize>,
    lines: HashMap<String, usize>,
    finished: Option<Value>,
    error: Option<(usize, String)>,
}

impl JsonBuilder {
    /// The pointer of the node that is about to be added.
    fn next_pointer(&self) -> String {
        match self.stack.last() {
            None => String::new(),
            Some((Value::Array(items), _, pointer)) => format!("{pointer}/{}", items.len()),
            Some((_, Some(key), pointer)) => format!("{pointer}/{}", escape_segment(key)),
            Some((_, None, pointer)) => pointer.clone(),
        }
    }

    /// In a mapping with no pending key, the next scalar is a key rather than a value.
    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some((Value::Object(_), None, _)))
    }

    fn add(&mut self, value: Value) {
        match self.stack.last_mut() {
            None => self.finished = Some(value),
            Some((Value::Array(items), _, _)) => items.push(value),
            Some((Value::Object(map), key, _)) => {
                let key = key.take().expect("a value in a mapping follows its key");
                map.insert(key, value);
            }
            Some(_) => unreachable!("only collections are pushed"),
        }
    }

    fn open(&mut self, empty: Value, anchor: usize, line: usize) {
        let pointer = self.next_pointer();
        self.lines.entry(pointer.clone()).or_insert(line);
        self.stack.push((empty, None, pointer));
        self.anchor_of_open.push(anchor);
    }

    fn close(&mut self) {
        let (value, _, _) = self.stack.pop().expect("close follows open");
        let anchor = self.anchor_of_open.pop().expect("close follows open");
        if anchor > 0 {
            self.anchors.insert(anchor, value.clone());
        }
        self.add(value);
    }
}

impl MarkedEventReceiver for JsonBuilder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        let line = mark.line();
        match event {
            Event::Scalar(text, style, anchor, _) => {
                if self.expects_key() {
                    let pointer = format!("{}/{}", self.next_pointer(), escape_segment(&text));
                    self.lines.insert(pointer, line);
                    if let Some((_, key, _)) = self.stack.last_mut() {
                        *key = Some(text);
                    }
                    return;
                }
                let value = scalar(&text, style);
                if anchor > 0 {
                    self.anchors.insert(anchor, value.clone());
                }
                self.add(value);
            }
            Event::Alias(anchor) => match self.anchors.get(&anchor).cloned() {
                Some(value) if !self.expects_key() => self.add(value),
                _ => self.error = Some((line, "YAML aliases are only supported as values".into())),
            },
            Event::SequenceStart(anchor, _) => self.open(Value::Array(Vec::new()), anchor, line),
            Event::MappingStart(anchor, _) => {
                if self.expects_key() {
                    self.error = Some((line, "mapping keys must be plain scalars".into()));
                    return;
                }
                self.open(Value::Object(Map::new()), anchor, line)
            }
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart | Event::DocumentEnd => {}
        }
    }
}

/// Resolves a scalar the way YAML 1.2's core schema does: quoted scalars are strings.
fn scalar(text: &str, style: TScalarStyle) -> Value {
    if style != TScalarStyle::Plain {
        return Value::String(text.to_owned());
    }
    match Yaml::from_str(text) {
        Yaml::Null => Value::Null,
        Yaml::Boolean(b) => Value::Bool(b),
        Yaml::Integer(i) => Value::Number(i.into()),
        Yaml::Real(r) => r.parse::<f64>().ok().and_then(Number::from_f64).map_or(Value::String(r), Value::Number),
        _ => Value::String(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pointer_gets_the_line_of_its_nearest_ancestor_in_the_source() {
        let source = "openapi: 3.0.3\npaths:\n  /v1/a~b:\n    get:\n      operationId: x\n";
        let (_, lines) = parse(Path::new("t.yaml"), source).unwrap();
        assert_eq!(lines.line_of("/paths/~1v1~1a~0b/get/operationId"), 5);
        // A node the source does not have (a default, say) takes its parent's line.
        assert_eq!(lines.line_of("/paths/~1v1~1a~0b/get/responses/200"), 4);
        assert_eq!(lines.line_of("/nowhere"), 1);
    }
}
