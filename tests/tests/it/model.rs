//! The model maps spec facts to the runtime's types by what they are, not by where they stand or
//! what they are called: a server is the runtime's `Api` or `Upload` host by its host name,
//! whatever its position, and a security scheme is an API key or a bearer token by its
//! definition, whatever its name.

use std::path::Path;

use heygen_codegen::model::{Credential, Host};
use heygen_tests::{spec, workspace_root};

fn facts(api: &heygen_codegen::Api) -> Vec<(String, Host, Vec<Credential>)> {
    api.operations.iter().map(|op| (op.id.clone(), op.host, op.credentials.clone())).collect()
}

#[test]
fn hosts_and_credentials_follow_meaning_not_order_or_names() {
    let source = std::fs::read_to_string(workspace_root().join(heygen_codegen::Document::Legacy.spec_path())).unwrap();
    let servers = "servers:\n  - url: https://api.heygen.com\n    description: Every endpoint except asset upload.\n  - url: https://upload.heygen.com\n    description: Asset upload only.\n";
    assert!(source.contains(servers), "the spec lists its servers as this test expects");
    let changed = source
        .replacen(servers, "servers:\n  - url: https://upload.heygen.com\n  - url: https://api.heygen.com\n", 1)
        .replace("- apiKey: []", "- heygenKey: []")
        .replace("    apiKey:\n      type: apiKey", "    heygenKey:\n      type: apiKey")
        .replace("- sessionToken: []", "- streamingBearer: []")
        .replace("    sessionToken:\n      type: http", "    streamingBearer:\n      type: http");
    assert_ne!(changed, source);
    let changed =
        heygen_codegen::load_and_validate(Path::new("changed.yaml"), &changed).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(changed.api.hosts, [Host::Upload, Host::Api], "each server keeps its host, now in the other place");
    let credentials = |api: &heygen_codegen::Api| facts(api).into_iter().map(|(id, _, c)| (id, c)).collect::<Vec<_>>();
    assert_eq!(credentials(&changed.api), credentials(&spec().api), "renamed schemes are the same credentials");
    // The first server is the default (OpenAPI's rule); `upload_asset` names its own.
    for (id, host, _) in facts(&changed.api) {
        let expected = if id == "upload_asset" { Host::Upload } else { changed.api.hosts[0] };
        assert_eq!(host, expected, "{id}");
    }
    // The streaming session calls also take a session token.
    let both = [Credential::ApiKey, Credential::Bearer];
    assert_eq!(spec().api.operations.iter().filter(|op| op.credentials == both).count(), 6);
}

/// The day HeyGen retires v1/v2 has one home, `info.x-end-of-life` of the legacy document: the
/// generator quotes it in every deprecation note and the migration guide, and each hand-written
/// mention of it (the README, the legacy module's docs) must give the same day.
#[test]
fn the_end_of_life_has_one_home() {
    let day = spec().api.end_of_life.as_deref().expect("spec/heygen.yaml gives info.x-end-of-life");
    for file in ["README.md", "generated-client/src/legacy/mod.rs"] {
        let text = std::fs::read_to_string(workspace_root().join(file)).unwrap();
        let days: Vec<&str> = (0..text.len().saturating_sub(9))
            .filter_map(|at| text.get(at..at + 10))
            .filter(|word| {
                word.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
            })
            .collect();
        assert!(days.contains(&day), "{file} does not give the end of life, {day}");
        assert!(days.iter().all(|d| *d == day), "{file} gives another day than the spec's {day}: {days:?}");
    }
}
