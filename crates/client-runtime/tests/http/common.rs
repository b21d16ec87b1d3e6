//! A tiny generated-client stand-in and helpers to run axum servers on 127.0.0.1.

use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use client_runtime::__private::{RawResponse, Request, Transport};
use client_runtime::http::Method;
use client_runtime::serde_json::Value;
use client_runtime::{
    ApiClient, AuthScheme, Backoff, ClientBuilder, Error, Quota, RequestIdSource, Response, RetryPolicy, ServiceSpec,
};

pub const KEY: &str = "test-key-5ecr3t";

pub trait Spec: Send + Sync + 'static {
    const SPEC: &'static ServiceSpec;
}

macro_rules! spec {
    ($name:ident, $auth:expr, $limits:expr) => {
        #[derive(Debug)]
        pub struct $name;
        impl Spec for $name {
            const SPEC: &'static ServiceSpec = &ServiceSpec {
                crate_name: "test-client",
                crate_version: "0.0.1",
                server_url: "https://api.example.invalid/v1",
                server_variables: &[],
                auth: $auth,
                rate_limits: $limits,
                request_id: RequestIdSource {
                    headers: RequestIdSource::COMMON_HEADERS,
                    body_pointers: &["/meta/request_id"],
                },
                // As a service documenting a ~5 MB limit would declare.
                max_response_bytes: Some(6 * 1024 * 1024),
            };
        }
    };
}

spec!(Bearer, AuthScheme::Bearer, &[]);
spec!(KeyHeader, AuthScheme::Header("X-MICROCMS-API-KEY"), &[]);
spec!(BasicAuth, AuthScheme::Basic, &[]);
spec!(QueryKey, AuthScheme::Query("api_key"), &[]);
spec!(CookieKey, AuthScheme::Cookie("sid"), &[]);
spec!(AppKeys, AuthScheme::Headers(&["X-App-Key", "X-App-Token"]), &[]);
spec!(NoAuth, AuthScheme::None, &[]);
spec!(Paced, AuthScheme::Bearer, &[Quota::new(5, Duration::from_secs(1))]);

/// What a generated `Client` looks like to the runtime.
#[derive(Debug)]
pub struct TestClient<S> {
    transport: Transport,
    spec: PhantomData<fn() -> S>,
}

impl<S> Clone for TestClient<S> {
    fn clone(&self) -> Self {
        Self { transport: self.transport.clone(), spec: PhantomData }
    }
}

impl<S: Spec> ApiClient for TestClient<S> {
    const SERVICE: &'static ServiceSpec = S::SPEC;
    fn from_transport(transport: Transport) -> Self {
        Self { transport, spec: PhantomData }
    }
}

/// The operation's typed error, as the generator would emit for declared 429 and 503.
#[derive(Debug)]
pub enum TestError {
    Unavailable(Value),
}

impl<S: Spec> TestClient<S> {
    pub fn builder() -> ClientBuilder<Self> {
        ClientBuilder::new()
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    pub async fn call(&self, method: Method, path: &str) -> Result<Response<Value>, Error<TestError>> {
        let request = Request::new("testOp", method, path.to_owned());
        decode(self.transport.execute::<TestError>(request).await?)
    }

    pub async fn get(&self, path: &str) -> Result<Response<Value>, Error<TestError>> {
        self.call(Method::GET, path).await
    }

    pub async fn post(&self, path: &str) -> Result<Response<Value>, Error<TestError>> {
        let mut request = Request::new("testOp", Method::POST, path.to_owned());
        request.json(&client_runtime::serde_json::json!({"name": "x"})).map_err(Error::InvalidRequest)?;
        decode(self.transport.execute::<TestError>(request).await?)
    }
}

fn decode(raw: RawResponse) -> Result<Response<Value>, Error<TestError>> {
    match raw.status() {
        200..=299 => raw.json(),
        429 | 503 => Err(raw.api_error::<Value, _>(TestError::Unavailable)),
        _ => Err(raw.unexpected()),
    }
}

/// A client for `addr` with the test key and quick retries (tests wait for nothing they need not).
pub fn client<S: Spec>(addr: SocketAddr) -> ClientBuilder<TestClient<S>> {
    TestClient::<S>::builder().base_url(format!("http://{addr}/v1")).api_key(KEY).retry_policy(quick_retries(3))
}

pub fn quick_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(attempts)
        .with_backoff(Backoff::exponential(Duration::from_millis(10), Duration::from_millis(50)))
}

pub async fn serve(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

/// Shared, lockable test state.
pub type Shared<T> = Arc<Mutex<T>>;

pub fn shared<T: Default>() -> Shared<T> {
    Arc::default()
}

pub fn lock<T>(s: &Shared<T>) -> std::sync::MutexGuard<'_, T> {
    s.lock().unwrap_or_else(|e| e.into_inner())
}
