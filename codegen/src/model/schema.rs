//! `$ref` resolution and field lookup in `openapiv3` types: the model builder's only way of
//! following references, so there is one answer to "what does this `$ref` name".

use openapiv3::{OpenAPI, Parameter, ReferenceOr, Response, Schema, SchemaKind, Type};

use super::EnvelopeFields;

const SCHEMAS: &str = "#/components/schemas/";

/// A component that a `$ref` can name.
pub(crate) trait Component: Sized {
    const PREFIX: &'static str;
    fn lookup<'a>(openapi: &'a OpenAPI, name: &str) -> Option<&'a ReferenceOr<Self>>;
}

impl Component for Parameter {
    const PREFIX: &'static str = "#/components/parameters/";
    fn lookup<'a>(openapi: &'a OpenAPI, name: &str) -> Option<&'a ReferenceOr<Self>> {
        openapi.components.as_ref()?.parameters.get(name)
    }
}

impl Component for Response {
    const PREFIX: &'static str = "#/components/responses/";
    fn lookup<'a>(openapi: &'a OpenAPI, name: &str) -> Option<&'a ReferenceOr<Self>> {
        openapi.components.as_ref()?.responses.get(name)
    }
}

/// The item `value` is or names (one level: components that are `$ref`s themselves are not
/// followed, as the house rules do not write them).
pub(crate) fn resolve<'a, T: Component>(openapi: &'a OpenAPI, value: &'a ReferenceOr<T>) -> Option<&'a T> {
    match value {
        ReferenceOr::Item(item) => Some(item),
        ReferenceOr::Reference { reference } => T::lookup(openapi, reference.strip_prefix(T::PREFIX)?)?.as_item(),
    }
}

/// `{enum: [null]}` (or a 3.1 `{type: "null"}` once downgraded): the null branch of a union.
fn is_null(schema: &ReferenceOr<Schema>) -> bool {
    matches!(schema, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Type(Type::String(s)), .. })
        if s.enumeration == [None])
        || matches!(schema, ReferenceOr::Item(Schema { schema_kind: SchemaKind::Any(any), .. })
            if any.enumeration == [serde_json::Value::Null])
}

/// The `components.schemas` name a schema `$ref` points at.
pub(crate) fn schema_name(reference: &str) -> Option<String> {
    reference.strip_prefix(SCHEMAS).map(str::to_owned)
}

/// A schema as written: a `$ref`, or inline. (Properties and items box their schemas; this
/// view treats both alike.)
#[derive(Clone, Copy)]
pub(crate) enum Node<'s> {
    Ref(&'s str),
    Inline(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for Node<'s> {
    fn from(schema: &'s ReferenceOr<Schema>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Inline(schema),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for Node<'s> {
    fn from(schema: &'s ReferenceOr<Box<Schema>>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Inline(schema),
        }
    }
}

impl<'s> Node<'s> {
    /// The named schema this node refers to, if it is a `$ref`.
    pub(crate) fn name(self) -> Option<String> {
        match self {
            Node::Ref(reference) => schema_name(reference),
            Node::Inline(_) => None,
        }
    }

    pub(crate) fn resolve(self, openapi: &'s OpenAPI) -> Option<&'s Schema> {
        match self {
            Node::Inline(schema) => Some(schema),
            Node::Ref(reference) => {
                let name = schema_name(reference)?;
                Node::from(openapi.components.as_ref()?.schemas.get(&name)?).resolve(openapi)
            }
        }
    }

    /// The schema of the dotted `path` (`data.videos`) inside this one, through `$ref`s and `allOf`.
    pub(crate) fn field(self, openapi: &'s OpenAPI, path: &str) -> Result<Node<'s>, String> {
        path.split('.').try_fold(self, |current, name| {
            current.property(openapi, name).ok_or_else(|| format!("`{path}`: no field `{name}` in the reply schema"))
        })
    }

    fn property(self, openapi: &'s OpenAPI, name: &str) -> Option<Node<'s>> {
        match &self.resolve(openapi)?.schema_kind {
            SchemaKind::Type(Type::Object(object)) => object.properties.get(name).map(Node::from),
            SchemaKind::AllOf { all_of } => all_of.iter().find_map(|member| Node::from(member).property(openapi, name)),
            // A nullable `$ref` (`oneOf: [{$ref}, {enum: [null]}]`): the field of what it names.
            SchemaKind::OneOf { one_of } | SchemaKind::AnyOf { any_of: one_of } => {
                let mut present = one_of.iter().filter(|member| !is_null(member));
                match (present.next(), present.next()) {
                    (Some(only), None) => Node::from(only).property(openapi, name),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Whether this is an array of a named schema; that schema's name.
    pub(crate) fn array_item_name(self, openapi: &'s OpenAPI) -> Option<String> {
        match self.resolve(openapi).map(|s| &s.schema_kind) {
            Some(SchemaKind::Type(Type::Array(array))) => array.items.as_ref().and_then(|i| Node::from(i).name()),
            _ => None,
        }
    }

    /// Which of HeyGen's envelope fields (`code`, `error`, `message`, `msg`) this schema has,
    /// merged over its `allOf` members.
    pub(crate) fn envelope_fields(self, openapi: &'s OpenAPI) -> EnvelopeFields {
        let mut fields = EnvelopeFields::default();
        let Some(schema) = self.resolve(openapi) else { return fields };
        let members: Vec<&Schema> = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of.iter().filter_map(|m| Node::from(m).resolve(openapi)).collect(),
            _ => vec![schema],
        };
        for member in members {
            let SchemaKind::Type(Type::Object(object)) = &member.schema_kind else { continue };
            if object.properties.contains_key("code") {
                fields.code = Some(fields.code.unwrap_or(false) || object.required.iter().any(|r| r == "code"));
            }
            fields.error |= object.properties.contains_key("error");
            fields.message |= object.properties.contains_key("message");
            fields.msg |= object.properties.contains_key("msg");
        }
        fields
    }
}
