//! Every v3 operation has a typed stub in `heygen-mock`, and each is called through the client
//! against `MockHeyGen`: the generated dispatch table sends a valid request built from the spec,
//! the stub answers the spec's example (decoded as the reply type), and the mock's log holds the
//! request as the client's typed body.

use std::collections::BTreeMap;

use heygen_mock::MockHeyGen;
use heygen_mock::stubs::{BodyKind, Operation, Visitor, visit_operations};
use heygen_tests::Document;
use heygen_tests::generated_calls_v3::{OPERATIONS, call};
use heygen_tests::requests::request_for;
use serde_json::Value;

/// Mounts each operation's default stub and records what its reply must be.
struct Mount<'m> {
    mock: &'m MockHeyGen,
    /// operationId -> (success status, the example as the typed reply, serialized).
    expected: BTreeMap<&'static str, (u16, Value)>,
}

impl Visitor for Mount<'_> {
    fn visit<O: Operation>(&mut self) {
        let example = match O::example() {
            Some(Ok(example)) => example,
            Some(Err(e)) => panic!("{}: the spec's example does not decode as its reply type: {e}", O::ID),
            None => panic!("{}: the spec gives no example of its reply", O::ID),
        };
        self.expected.insert(O::ID, (O::STATUS, serde_json::to_value(example).unwrap()));
        self.mock.stub::<O>().expect(1).mount();
    }
}

/// Checks the log: one request per operation, its body typed as the client sent it.
struct Logged<'m> {
    mock: &'m MockHeyGen,
    failures: Vec<String>,
}

impl Visitor for Logged<'_> {
    fn visit<O: Operation>(&mut self) {
        let received = self.mock.received::<O>();
        if received.len() != 1 {
            self.failures.push(format!("{}: {} requests logged", O::ID, received.len()));
            return;
        }
        let input = request_for(Document::V3, O::ID);
        let body = serde_json::to_value(&received[0].body).unwrap();
        let sent = match O::BODY {
            BodyKind::Json => input.body.clone().unwrap(),
            BodyKind::None => Value::Null,
            // A form: the file's bytes are somewhere in it.
            BodyKind::Raw => {
                let bytes: Vec<u8> = serde_json::from_value(body.clone()).unwrap();
                let file = input.bytes.clone().unwrap();
                if !bytes.windows(file.len()).any(|w| w == file) {
                    self.failures.push(format!("{}: the form does not hold the file", O::ID));
                }
                body.clone()
            }
        };
        // Everything the input set is in the typed body (which also holds the defaults the
        // client's types fill in, and a key the client adds, such as `request_id`).
        if !contains(&body, &sent) {
            self.failures.push(format!("{}: logged {body}, sent {sent}", O::ID));
        }
        for (name, value) in &input.params {
            let logged = received[0].path_param(name).or_else(|| received[0].query_param(name));
            let want = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
            if logged.is_some_and(|l| l != want) {
                self.failures.push(format!("{}: parameter `{name}` logged {logged:?}, sent {want}", O::ID));
            }
        }
    }
}

/// Whether `value` holds everything in `part`: objects by key, arrays element by element.
fn contains(value: &Value, part: &Value) -> bool {
    match (value, part) {
        (Value::Object(value), Value::Object(part)) => {
            part.iter().all(|(key, part)| value.get(key).is_some_and(|value| contains(value, part)))
        }
        (Value::Array(value), Value::Array(part)) => {
            value.len() == part.len() && value.iter().zip(part).all(|(value, part)| contains(value, part))
        }
        _ => value == part,
    }
}

#[tokio::test]
async fn every_v3_operation_is_answered_by_its_typed_stub_through_the_client() {
    let mock = MockHeyGen::start().await;
    let mut mount = Mount { mock: &mock, expected: BTreeMap::new() };
    visit_operations(&mut mount);
    let stubbed: Vec<&str> = mount.expected.keys().copied().collect();
    let mut operations = OPERATIONS.to_vec();
    operations.sort_unstable();
    assert_eq!(stubbed, operations, "the stubs and the client's operations differ");

    let client = mock.client();
    let mut failures = Vec::new();
    for id in OPERATIONS {
        let (status, body) = &mount.expected[id];
        match call(&client, id, &request_for(Document::V3, id)).await {
            Ok(reply) if reply.status == *status && reply.body == *body => {}
            Ok(reply) => failures.push(format!("{id}: {} {}", reply.status, reply.body)),
            Err(e) => failures.push(format!("{id}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}\nunmatched: {:#?}", mock.unmatched());
    assert!(mock.unmatched().is_empty());
    mock.verify().unwrap();

    let mut logged = Logged { mock: &mock, failures: Vec::new() };
    visit_operations(&mut logged);
    assert!(logged.failures.is_empty(), "{:#?}", logged.failures);
}
