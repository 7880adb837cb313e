//! Rust-API changes: the public items of the client generated from each spec, compared.
//!
//! Reading the generated code, not the spec, keeps this true as progenitor and typify change
//! how they name and shape things. Methods come from the surface listing ([`crate::Generated`]);
//! the items of the generated modules (`types`, `operations`) are parsed with syn. Ratings follow
//! Rust's semver rules for items a caller can build or match: typify's structs have public
//! fields and are not `#[non_exhaustive]`, so even an optional field is a major change; the open
//! enums (with `Unknown` variants) are `#[non_exhaustive]`, so a new variant is a minor one.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use syn::{Attribute, Fields, Item, Visibility};

use super::{Link, Semver};
use crate::Generated;
use crate::emit::surface::MethodSurface;

/// One change to a public item of the generated client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RustChange {
    /// Path of the item, such as `Client::get_video` or `types::Video`.
    pub item: String,
    pub change: String,
    pub semver: Semver,
    /// The type (or `Client`) the change is in, and the wire name of the changed field,
    /// variant or method, for linking wire changes to it.
    #[serde(skip)]
    type_name: String,
    #[serde(skip)]
    member: Option<String>,
}

/// What the Rust half compares of one generated client: plain data, so each side can be made
/// on its own thread.
pub(super) struct Snapshot {
    methods: Vec<MethodSurface>,
    items: BTreeMap<String, PublicItem>,
    /// The whole client as tokens, to tell a change no public item shows.
    pub(super) tokens: String,
}

impl Snapshot {
    pub(super) fn of(generated: &Generated) -> Self {
        Snapshot {
            methods: generated.surface.clone(),
            items: items(&generated.client),
            tokens: quote::ToTokens::to_token_stream(&generated.client).to_string(),
        }
    }
}

/// The Rust changes from `base` to `head`, methods first.
pub(super) fn changes(base: &Snapshot, head: &Snapshot) -> Vec<RustChange> {
    let mut out = methods(&base.methods, &head.methods);
    let (base, head) = (&base.items, &head.items);
    for (path, new) in head {
        let type_name = path.rsplit("::").next().unwrap_or(path).to_owned();
        let change = |change: String, semver, member: Option<&Member>| RustChange {
            item: path.clone(),
            change,
            semver,
            type_name: type_name.clone(),
            member: member.map(|m| m.wire.clone()),
        };
        let Some(old) = base.get(path) else {
            out.push(change(format!("{} added", new.kind), Semver::Minor, None));
            continue;
        };
        if (old.kind, &old.signature) != (new.kind, &new.signature) {
            let message = format!("changed from `{} {}` to `{} {}`", old.kind, old.signature, new.kind, new.signature);
            out.push(change(message, Semver::Major, None));
            continue;
        }
        for derive in old.derives.difference(&new.derives) {
            out.push(change(format!("no longer derives `{derive}`"), Semver::Major, None));
        }
        for derive in new.derives.difference(&old.derives) {
            out.push(change(format!("now derives `{derive}`"), Semver::Minor, None));
        }
        // Adding to a type callers can build (struct literal) or match exhaustively breaks them.
        let addition = if new.open { Semver::Minor } else { Semver::Major };
        for (name, member) in &new.members {
            match old.members.get(name) {
                None => out.push(change(format!("gains {}", member.describe(name)), addition, Some(member))),
                Some(was) if was.signature != member.signature => {
                    let message =
                        format!("{} `{name}` changed from `{}` to `{}`", member.kind, was.signature, member.signature);
                    out.push(change(message, Semver::Major, Some(member)));
                }
                Some(_) => {}
            }
        }
        for (name, member) in old.members.iter().filter(|(name, _)| !new.members.contains_key(*name)) {
            out.push(change(format!("loses {} `{name}`", member.kind), Semver::Major, Some(member)));
        }
    }
    for (path, old) in base.iter().filter(|(path, _)| !head.contains_key(*path)) {
        let type_name = path.rsplit("::").next().unwrap_or(path).to_owned();
        out.push(RustChange {
            item: path.clone(),
            change: format!("{} removed", old.kind),
            semver: Semver::Major,
            type_name,
            member: None,
        });
    }
    out
}

/// The `rust` text of a wire change: the Rust changes it links to, or that there are none.
pub(super) fn describe(changes: &[RustChange], link: &Link) -> String {
    let linked: Vec<&RustChange> = match link {
        Link::Methods(names) => changes
            .iter()
            .filter(|c| c.type_name == "Client" && names.iter().any(|n| c.member.as_ref() == Some(n)))
            .collect(),
        Link::Member { types, wire } => {
            let on = |c: &&RustChange, name: &str| c.member.as_ref() == Some(wire) && c.type_name == name;
            // The most specific type name that has a matching change; typify sometimes picks
            // names of its own for inline types, so fall back to types named after the owner.
            let exact = types
                .iter()
                .map(|name| changes.iter().filter(|c| on(c, name)).collect::<Vec<_>>())
                .find(|found| !found.is_empty());
            let owner = types.last().map(String::as_str).unwrap_or_default();
            exact.unwrap_or_else(|| {
                changes
                    .iter()
                    .filter(|c| c.member.as_ref() == Some(wire) && c.type_name.starts_with(owner) && !owner.is_empty())
                    .collect()
            })
        }
        Link::Types(names) => changes.iter().filter(|c| names.contains(&c.type_name)).collect(),
        Link::Nothing => Vec::new(),
    };
    if linked.is_empty() {
        return "no change to the public Rust API".to_owned();
    }
    let parts: Vec<String> =
        linked.iter().map(|c| format!("{}: `{}` {}", c.semver.as_str(), c.item, c.change)).collect();
    parts.join("; ")
}

fn methods(base: &[MethodSurface], head: &[MethodSurface]) -> Vec<RustChange> {
    let change = |m: &MethodSurface, change: String, semver| RustChange {
        item: format!("Client::{}", m.name),
        change,
        semver,
        type_name: "Client".into(),
        member: Some(m.name.clone()),
    };
    let mut out = Vec::new();
    for new in head {
        let Some(old) = base.iter().find(|m| m.name == new.name) else {
            out.push(change(new, "method added".into(), Semver::Minor));
            continue;
        };
        if old.params != new.params {
            let message =
                format!("parameters changed from `({})` to `({})`", old.params.join(", "), new.params.join(", "));
            out.push(change(new, message, Semver::Major));
        }
        if old.output != new.output {
            out.push(change(new, format!("returns `{}` instead of `{}`", new.output, old.output), Semver::Major));
        }
        if new.deprecated && !old.deprecated {
            out.push(change(new, "is now `#[deprecated]`".into(), Semver::Minor));
        }
        if old.http != new.http {
            out.push(change(new, format!("now sends `{}` (was `{}`)", new.http, old.http), Semver::Patch));
        }
    }
    for old in base.iter().filter(|old| !head.iter().any(|m| m.name == old.name)) {
        out.push(change(old, "method removed".into(), Semver::Major));
    }
    out
}

/// A public item of a generated module.
struct PublicItem {
    kind: &'static str,
    /// What must stay equal for the item to be the same: a const's or alias's type, a
    /// function's signature; empty for structs and enums, whose members are compared instead.
    signature: String,
    derives: BTreeSet<String>,
    /// Whether callers can neither build it with a literal nor match it exhaustively, so that
    /// additions do not break them (`#[non_exhaustive]`, or a struct with private fields).
    open: bool,
    members: BTreeMap<String, Member>,
}

/// A public field or a variant.
struct Member {
    kind: &'static str,
    signature: String,
    /// The name on the wire (`#[serde(rename)]`, else the Rust name).
    wire: String,
}

impl Member {
    /// `field `name: Type`` or `variant `Name``.
    fn describe(&self, name: &str) -> String {
        if self.kind == "variant" {
            format!("variant `{name}`")
        } else {
            format!("{} `{name}: {}`", self.kind, self.signature)
        }
    }
}

/// Public items of the file and its public modules, by path (`types::Video`, `Client`).
fn items(file: &syn::File) -> BTreeMap<String, PublicItem> {
    let mut out = BTreeMap::new();
    collect(None, &file.items, &mut out);
    out
}

fn collect(prefix: Option<&str>, items: &[Item], out: &mut BTreeMap<String, PublicItem>) {
    let path = |name: String| prefix.map_or(name.clone(), |prefix| format!("{prefix}::{name}"));
    // `#[doc(hidden)]` items (the runtime's facts) are plumbing, not users' API.
    for item in items.iter().filter(|item| !doc_hidden(item)) {
        let (name, public) = match item {
            Item::Struct(s) if is_pub(&s.vis) => (s.ident.to_string(), structure(s)),
            Item::Enum(e) if is_pub(&e.vis) => (e.ident.to_string(), enumeration(e)),
            Item::Const(c) if is_pub(&c.vis) => (c.ident.to_string(), plain("const", tidy(&c.ty))),
            Item::Static(s) if is_pub(&s.vis) => (s.ident.to_string(), plain("static", tidy(&s.ty))),
            Item::Type(t) if is_pub(&t.vis) => (t.ident.to_string(), plain("type", tidy(&t.ty))),
            Item::Fn(f) if is_pub(&f.vis) => (f.sig.ident.to_string(), plain("fn", tidy(&f.sig))),
            Item::Mod(m) if is_pub(&m.vis) => {
                let inner = m.content.as_ref().map_or(&[][..], |(_, items)| items.as_slice());
                collect(Some(&path(m.ident.to_string())), inner, out);
                continue;
            }
            _ => continue,
        };
        out.insert(path(name), public);
    }
}

fn doc_hidden(item: &Item) -> bool {
    let attrs = match item {
        Item::Mod(m) => &m.attrs,
        Item::Struct(s) => &s.attrs,
        Item::Enum(e) => &e.attrs,
        Item::Fn(f) => &f.attrs,
        Item::Const(c) => &c.attrs,
        Item::Static(s) => &s.attrs,
        Item::Type(t) => &t.attrs,
        _ => return false,
    };
    attrs.iter().any(|a| {
        a.path().is_ident("doc") && matches!(&a.meta, syn::Meta::List(list) if list.tokens.to_string() == "hidden")
    })
}

fn plain(kind: &'static str, signature: String) -> PublicItem {
    PublicItem { kind, signature, derives: BTreeSet::new(), open: true, members: BTreeMap::new() }
}

fn structure(s: &syn::ItemStruct) -> PublicItem {
    let mut members = BTreeMap::new();
    let mut private = false;
    for (i, field) in s.fields.iter().enumerate() {
        if !is_pub(&field.vis) {
            private = true;
            continue;
        }
        let name = field.ident.as_ref().map_or(i.to_string(), ToString::to_string);
        let wire = serde_rename(&field.attrs).unwrap_or_else(|| name.clone());
        members.insert(name, Member { kind: "field", signature: tidy(&field.ty), wire });
    }
    let open = private || non_exhaustive(&s.attrs);
    PublicItem { kind: "struct", signature: String::new(), derives: derives(&s.attrs), open, members }
}

fn enumeration(e: &syn::ItemEnum) -> PublicItem {
    let mut members = BTreeMap::new();
    for variant in &e.variants {
        let name = variant.ident.to_string();
        let wire = serde_rename(&variant.attrs).unwrap_or_else(|| name.clone());
        // Struct variants (typify's tagged unions) list their fields as members of their own,
        // so a wire property of a variant links to its field.
        let signature = match &variant.fields {
            Fields::Unit => String::new(),
            Fields::Unnamed(fields) => tidy(fields),
            Fields::Named(fields) => {
                for field in &fields.named {
                    let field_name = field.ident.as_ref().map(ToString::to_string).unwrap_or_default();
                    let field_wire = serde_rename(&field.attrs).unwrap_or_else(|| field_name.clone());
                    let member = Member { kind: "field", signature: tidy(&field.ty), wire: field_wire };
                    members.insert(format!("{name}::{field_name}"), member);
                }
                "{ .. }".to_owned()
            }
        };
        members.insert(name, Member { kind: "variant", signature, wire });
    }
    PublicItem {
        kind: "enum",
        signature: String::new(),
        derives: derives(&e.attrs),
        open: non_exhaustive(&e.attrs),
        members,
    }
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn non_exhaustive(attrs: &[Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

fn derives(attrs: &[Attribute]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            out.insert(tidy(&meta.path));
            Ok(())
        });
    }
    out
}

/// `#[serde(rename = "...")]`: the name typify keeps from the spec when the Rust name differs.
fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    rename
}

/// Token text of a type or signature, without the paths typify spells out in full.
fn tidy(tokens: &impl quote::ToTokens) -> String {
    let text = crate::syntax::tidy(tokens).replace(" <", "<");
    ["::std::option::", "::std::string::", "::std::vec::", "::std::collections::", "::std::boxed::"]
        .iter()
        .fold(text, |text, path| text.replace(path, ""))
}
