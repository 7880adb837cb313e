//! The checked-in client is what the spec produces, and its public surface is reviewed.

use heygen_codegen::write::stale_files;
use heygen_tests::{Doc, workspace_root};

#[test]
fn generated_client_is_fresh() {
    let files = heygen_codegen::generate(workspace_root()).unwrap_or_else(|e| panic!("{e}"));
    let stale = stale_files(workspace_root(), &files);
    assert!(stale.is_empty(), "generated code is stale: {stale:?}\nfix: run `cargo xtask generate`");
}

/// One entry per operation: HTTP method and path, Rust method, parameters and body, and the
/// success and error types. A spec change that alters the Rust API shows up here in review.
#[test]
fn api_surface() {
    insta::assert_snapshot!(surface(Doc::Legacy));
}

/// The same for the v3 client (`heygen_client::v3`).
#[test]
fn v3_api_surface() {
    insta::assert_snapshot!(surface(Doc::V3));
}

/// The surface listing of `doc`'s client, after checking that every operation has its method.
fn surface(doc: Doc) -> String {
    let document = doc.document();
    let spec_path = std::path::Path::new(document.spec);
    let generated = heygen_codegen::generate_spec_for(spec_path, doc.spec(), document.module).unwrap();
    let methods = generated.surface;
    for id in doc.operation_ids() {
        assert!(methods.iter().any(|m| m.name == id), "no method for {id}");
    }
    heygen_codegen::emit::surface::render(&methods)
}

/// Issue 20: no method of either client takes more than two optional arguments positionally;
/// an operation with more takes them in its parameters struct.
#[test]
fn no_method_takes_more_than_two_optional_arguments_positionally() {
    let root = workspace_root();
    for document in heygen_codegen::DOCUMENTS {
        let source = std::fs::read_to_string(root.join(document.spec)).unwrap();
        let spec = heygen_codegen::load_and_validate(std::path::Path::new(document.spec), &source).unwrap();
        let generated =
            heygen_codegen::generate_spec_for(std::path::Path::new(document.spec), &spec, document.module).unwrap();
        let mut with_struct = 0;
        for method in &generated.surface {
            let positional_optional =
                method.params.iter().filter(|p| !p.contains('.') && p.contains(": Option<")).count();
            assert!(positional_optional <= 2, "{}: {} takes {positional_optional}", document.spec, method.name);
            with_struct += usize::from(method.params.iter().any(|p| p.contains("Params")));
        }
        assert!(with_struct > 0, "{}: no method takes a parameters struct", document.spec);
    }
}

/// Issue 25: no progenitor plumbing is reachable from outside the crate: the constructors that
/// take a `ClientState` (which bypass the builder's checks) are crate-private in both generated
/// clients, and the crate exports neither `ClientState` nor progenitor's `ClientInfo`. The
/// client's parts are read through `syn`, so a later change of formatting cannot hide one.
#[test]
fn no_progenitor_plumbing_is_public() {
    let root = workspace_root();
    for document in heygen_codegen::DOCUMENTS {
        let file: syn::File = syn::parse_file(&std::fs::read_to_string(root.join(document.client)).unwrap()).unwrap();
        let mut constructors = 0;
        for item in &file.items {
            let syn::Item::Impl(block) = item else { continue };
            if block.trait_.is_some() {
                continue;
            }
            for member in &block.items {
                let syn::ImplItem::Fn(method) = member else { continue };
                if method.sig.ident == "new" || method.sig.ident == "new_with_client" {
                    constructors += 1;
                    assert!(
                        !matches!(method.vis, syn::Visibility::Public(_)),
                        "{}: `Client::{}` is public",
                        document.client,
                        method.sig.ident
                    );
                }
            }
        }
        assert_eq!(constructors, 2, "{}: progenitor's two constructors were not found", document.client);
    }
    let lib: syn::File =
        syn::parse_file(&std::fs::read_to_string(root.join("generated-client/src/lib.rs")).unwrap()).unwrap();
    let mut exported = Vec::new();
    for item in &lib.items {
        if let syn::Item::Use(used) = item
            && matches!(used.vis, syn::Visibility::Public(_))
        {
            exported.push(quote::quote!(#used).to_string());
        }
    }
    assert!(!exported.is_empty());
    for plumbing in ["ClientState", "ClientInfo"] {
        assert!(exported.iter().all(|line| !line.contains(plumbing)), "the crate exports {plumbing}: {exported:?}");
    }
}

/// Issue 25: no field of the v3 client is an `Option` of a newtype of an `Option`
/// (`Option<VideoCallbackId(Option<String>)>`, which made callers write
/// `Some(VideoCallbackId(Some(..)))`), and no request union has a variant with inline fields,
/// which could not be built with `..Default::default()` or `new(...)`.
#[test]
fn v3_requests_are_plain_rust() {
    let document = heygen_codegen::V3;
    let source = std::fs::read_to_string(workspace_root().join(document.client)).unwrap();
    let file: syn::File = syn::parse_file(&source).unwrap();
    let types = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items.clone()),
            _ => None,
        })
        .unwrap();
    let newtypes = heygen_codegen::shapes::optional_newtypes(&types);
    assert!(newtypes.contains_key("VideoCallbackId"), "the check finds the newtypes: {:?}", newtypes.keys());
    let mut found = Vec::new();
    for item in &types {
        let fields: Vec<&syn::Field> = match item {
            syn::Item::Struct(s) => s.fields.iter().collect(),
            syn::Item::Enum(e) => e.variants.iter().flat_map(|v| v.fields.iter()).collect(),
            _ => continue,
        };
        for field in fields {
            let Some(syn::Type::Path(inner)) = heygen_codegen::shapes::option_inner(&field.ty) else { continue };
            if let Some(last) = inner.path.segments.last()
                && newtypes.contains_key(&last.ident.to_string())
            {
                found.push(format!(
                    "{}: {}",
                    quote::quote!(#item).to_string().chars().take(60).collect::<String>(),
                    last.ident
                ));
            }
        }
    }
    assert!(found.is_empty(), "Option of a newtype of an Option: {found:#?}");
    let request = types
        .iter()
        .find_map(|item| match item {
            syn::Item::Enum(e) if e.ident == "CreateVideoRequest" => Some(e),
            _ => None,
        })
        .unwrap();
    for variant in &request.variants {
        assert!(
            !matches!(variant.fields, syn::Fields::Named(_)),
            "CreateVideoRequest::{} has inline fields",
            variant.ident
        );
    }
}
