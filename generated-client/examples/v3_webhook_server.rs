//! `v3_webhook_server`: an axum server that receives HeyGen's v3 webhook deliveries, verifies
//! each one, drops repeats and prints every new event (type and id) on stdout.
//!
//! ```sh
//! HEYGEN_WEBHOOK_SECRET=whsec_... cargo run -p heygen-client --example v3_webhook_server -- 127.0.0.1:3000
//! ```
//!
//! `HEYGEN_WEBHOOK_SECRET` may hold several secrets separated by commas while one is being
//! rotated. Put it behind an HTTPS proxy and register `https://<host>/webhooks/heygen` with
//! `create_webhook_endpoint`. axum is a dev-dependency of heygen-client: the crate itself depends
//! on no web framework.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use heygen_client::types::WebhookDelivery;
use heygen_client::webhook::{Delivery, HandleError, RecentEvents, Verifier, WebhookError};

/// What every request shares: the secrets and the ids already handled.
pub struct Receiver {
    pub verifier: Verifier,
    pub seen: RecentEvents,
}

/// The routes: `POST /webhooks/heygen`. axum caps a `Bytes` body at 2 MB by default, far above
/// a delivery, so a large body is refused before it is read whole.
pub fn app(receiver: Arc<Receiver>) -> Router {
    Router::new().route("/webhooks/heygen", post(receive)).with_state(receiver)
}

async fn receive(State(receiver): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    // The event is recorded as handled only once `handle` succeeded.
    let handled = receiver.verifier.handle_once(&headers, &body, &receiver.seen, |d| async move { handle(&d) }).await;
    match handled {
        // Handled now, or a repeat of one handled before: a 2xx tells HeyGen to stop sending it.
        Ok(_) => StatusCode::OK,
        // Another delivery of it is being handled: HeyGen sends it again later.
        Err(HandleError::Webhook(WebhookError::InProgress)) => StatusCode::CONFLICT,
        Err(HandleError::Handler(error)) => {
            // Released by `handle_once`: HeyGen's retry is handled, not dropped as a repeat.
            eprintln!("handling a delivery failed: {error}");
            StatusCode::INTERNAL_SERVER_ERROR
        }
        // Neither the reason nor the body goes back to the sender.
        Err(HandleError::Webhook(
            WebhookError::MissingSignature
            | WebhookError::InvalidSignature
            | WebhookError::StaleTimestamp { .. }
            | WebhookError::TooManySignatures { .. },
        )) => StatusCode::UNAUTHORIZED,
        Err(HandleError::Webhook(WebhookError::BodyTooLarge { .. })) => StatusCode::PAYLOAD_TOO_LARGE,
        Err(HandleError::Webhook(WebhookError::Malformed(_))) => StatusCode::BAD_REQUEST,
        Err(error) => {
            eprintln!("webhook: {error}");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// The application's part: here it prints what arrived.
fn handle(delivery: &Delivery) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let id = delivery.event_id.as_deref().unwrap_or("-");
    let detail = match &delivery.event {
        WebhookDelivery::AvatarVideoSuccess(data) => data.url.clone().unwrap_or_default(),
        WebhookDelivery::AvatarVideoFail(data) => data.msg.clone().unwrap_or_default(),
        WebhookDelivery::VideoTranslateSuccess(data) => data.url.clone().unwrap_or_default(),
        WebhookDelivery::VideoTranslateFail(data) => data.message.clone().unwrap_or_default(),
        // Every other kind, and kinds added after this version (`Unknown`).
        _ => String::new(),
    };
    println!("{} {id} {detail}", delivery.event_type);
    Ok(())
}

fn main() -> ExitCode {
    let address = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let secrets = std::env::var("HEYGEN_WEBHOOK_SECRET").unwrap_or_default();
    let outcome = (|| -> Result<(), Box<dyn std::error::Error>> {
        let address: SocketAddr = address.parse()?;
        let verifier = Verifier::new(secrets.split(',').map(str::trim))?;
        let receiver = Arc::new(Receiver { verifier, seen: RecentEvents::default() });
        tokio::runtime::Runtime::new()?.block_on(async {
            let listener = tokio::net::TcpListener::bind(address).await?;
            eprintln!("listening on http://{}/webhooks/heygen", listener.local_addr()?);
            axum::serve(listener, app(receiver)).await?;
            Ok(())
        })
    })();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
