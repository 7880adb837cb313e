//! Mutations of documents for property tests: every node's pointer, and a node replaced or
//! removed.

use serde_json::Value;

/// Every pointer in `value`, children before their parent.
pub fn node_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| node_pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| node_pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
    out.push(at);
}

/// `doc` with the node at `pointer` replaced by `with`, or removed without it.
pub fn mutated(mut doc: Value, pointer: &str, with: Option<Value>) -> Value {
    let Some((parent, key)) = pointer.rsplit_once('/') else { return with.unwrap_or(Value::Null) };
    let key = key.replace("~1", "/").replace("~0", "~");
    match (doc.pointer_mut(parent), with) {
        (Some(Value::Object(map)), Some(with)) => drop(map.insert(key, with)),
        (Some(Value::Object(map)), None) => drop(map.shift_remove(&key)),
        (Some(Value::Array(items)), with) => {
            let i: usize = key.parse().unwrap();
            match with {
                Some(with) => items[i] = with,
                None => drop(items.remove(i)),
            }
        }
        _ => {}
    }
    doc
}
