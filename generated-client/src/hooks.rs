//! The hooks progenitor runs around every generated method: authenticate and route the request.

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderName};

use crate::config::Credentials;
use crate::generated::operations::{operation_security, operation_server};
use crate::{Client, ClientState, Error};

/// HeyGen's API key header.
static API_KEY_HEADER: HeaderName = HeaderName::from_static("x-api-key");
/// progenitor adds `api-version: <info.version>` to every request; HeyGen has no use for it.
static API_VERSION_HEADER: HeaderName = HeaderName::from_static("api-version");

impl ClientHooks<ClientState> for Client {
    async fn pre<E>(&self, request: &mut reqwest::Request, info: &OperationInfo) -> Result<(), Error<E>> {
        let state = self.inner();
        if !operation_security(info.operation_id).contains(&state.credentials.scheme()) {
            return Err(Error::InvalidRequest(format!(
                "`{}` does not accept a {}; build the client with an API key",
                info.operation_id,
                state.credentials.scheme()
            )));
        }
        let server = operation_server(info.operation_id);
        if server != 0 {
            let rerouted = request.url().as_str().replacen(self.baseurl(), &state.base_urls[server], 1);
            *request.url_mut() = reqwest::Url::parse(&rerouted).map_err(|e| Error::InvalidRequest(e.to_string()))?;
        }
        let headers = request.headers_mut();
        headers.remove(&API_VERSION_HEADER);
        match &state.credentials {
            Credentials::ApiKey(key) => headers.insert(API_KEY_HEADER.clone(), key.clone()),
            Credentials::SessionToken(bearer) => headers.insert(AUTHORIZATION, bearer.clone()),
        };
        Ok(())
    }
}
