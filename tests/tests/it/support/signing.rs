//! Signing webhook deliveries as HeyGen does: hex HMAC-SHA256 of the body under the secret.

#![allow(dead_code)] // each test binary uses part of it

use std::time::{SystemTime, UNIX_EPOCH};

use hmac::{KeyInit, Mac};

/// The hex HMAC-SHA256 of `body` under `secret`.
pub fn sign(body: &[u8], secret: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Now, in Unix seconds (a delivery's `Heygen-Timestamp`).
pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}
