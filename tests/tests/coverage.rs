//! Every operation in the spec has a wire test in one of tests/tests/operations*.rs.

use heygen_tests::{operation_ids, workspace_root};

#[test]
fn every_operation_has_a_wire_test() {
    let dir = workspace_root().join("tests/tests");
    let sources: String = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("operations")))
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect();
    let untested: Vec<_> = operation_ids().into_iter().filter(|id| !sources.contains(&format!(".{id}("))).collect();
    assert!(untested.is_empty(), "operations without a wire test in tests/tests/operations*.rs: {untested:?}");
}
