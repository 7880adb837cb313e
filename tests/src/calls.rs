//! What the generated dispatch table (`generated_calls.rs`) reads its arguments from and hands
//! its replies back as: the glue that lets a driver call any operation by its `operationId`.

use std::fmt;

use heygen_client::ResponseValue;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The arguments of one call: parameters by their name in the spec, the JSON body, or the raw
/// bytes of a binary body.
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub params: Map<String, Value>,
    pub body: Option<Value>,
    pub bytes: Option<Vec<u8>>,
}

impl Input {
    /// The parameter `name` as the method's argument type; an absent one reads as `null`, which
    /// only an `Option` accepts.
    pub fn param<T: DeserializeOwned>(&self, name: &str) -> Result<T, CallError> {
        let value = self.params.get(name).cloned().unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|e| CallError::Input { name: name.to_owned(), reason: e.to_string() })
    }

    /// The JSON request body as the method's body type.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, CallError> {
        let value = self.body.clone().unwrap_or(Value::Null);
        serde_json::from_value(value).map_err(|e| CallError::Input { name: "body".into(), reason: e.to_string() })
    }

    /// The raw request body.
    pub fn bytes(&self) -> Result<Vec<u8>, CallError> {
        self.bytes.clone().ok_or_else(|| CallError::Input { name: "body".into(), reason: "no raw body given".into() })
    }
}

/// A successful call's status and typed reply, serialized back to JSON.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    pub fn new<T: Serialize>(value: ResponseValue<T>) -> Self {
        let status = value.status().as_u16();
        let body =
            serde_json::to_value(value.into_inner()).unwrap_or_else(|e| Value::String(format!("unserializable: {e}")));
        Self { status, body }
    }
}

/// Why a call through the table failed.
#[derive(Debug)]
pub enum CallError {
    UnknownOperation(String),
    /// An argument was missing or did not convert to the method's Rust type.
    Input {
        name: String,
        reason: String,
    },
    /// The client's call returned an error.
    Client(heygen_client::Error),
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownOperation(id) => write!(f, "no operation {id} in the spec"),
            Self::Input { name, reason } => write!(f, "argument `{name}`: {reason}"),
            Self::Client(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for CallError {}
