//! Every error says its own level in `Display` and leaves the cause to `source()`: printed
//! through `anyhow` with `{:#}`, no level's text appears twice and every level is there.

use std::time::Duration;

use client_runtime::__private::RawResponse;
use client_runtime::http::header::{HeaderMap, HeaderValue};
use client_runtime::http::StatusCode;
use client_runtime::paginate::PaginationError;
use client_runtime::StorageError;
use client_runtime::{BuildError, DownloadError, Error, InvalidRequest, PageError, ResponseMeta};

use crate::common::{client, Bearer};

#[derive(Debug)]
enum TypedError {
    Unauthorized(client_runtime::serde_json::Value),
}

/// Each level's own text, outermost first.
fn levels(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = vec![error.to_string()];
    let mut cause = error.source();
    while let Some(inner) = cause {
        out.push(inner.to_string());
        cause = inner.source();
    }
    out
}

/// Asserts the `{:#}` rendering holds every level once, and returns it.
fn check_chain<E: std::error::Error + Send + Sync + 'static>(error: E) -> String {
    let levels = levels(&error);
    let shown = format!("{:#}", anyhow::Error::new(error));
    assert_eq!(shown, levels.join(": "), "the chain must hold every level");
    for (i, level) in levels.iter().enumerate() {
        assert!(!level.is_empty(), "level {i} of {shown:?} says nothing");
        for (j, other) in levels.iter().enumerate() {
            assert!(i == j || !other.contains(level.as_str()), "{level:?} appears twice in {shown:?}");
        }
        assert_eq!(shown.matches(level.as_str()).count(), 1, "{level:?} appears twice in {shown:?}");
    }
    shown
}

fn meta(status: u16, request_id: Option<&'static str>) -> ResponseMeta {
    let mut headers = HeaderMap::new();
    if let Some(id) = request_id {
        headers.insert("x-request-id", HeaderValue::from_static(id));
    }
    ResponseMeta::new("listMedia", StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT), headers, 1)
}

fn raw(status: u16, body: &'static str) -> RawResponse {
    RawResponse::new(meta(status, Some("req-123")), body.into())
}

/// A real connection-refused error, with reqwest's own chain below it.
async fn transport_error() -> Error<TypedError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let client = client::<Bearer>(addr).no_retries().build().expect("client");
    match client.get("/media").await {
        Err(Error::Transport(e)) => Error::Transport(e),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

fn io_error() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied (os error 13)")
}

#[tokio::test]
async fn an_api_error_says_status_code_message_and_request_id_in_words() {
    let body = r#"{"data":null,"error":{"code":"invalid_api_key","message":"Invalid API key","details":{}},"meta":{}}"#;
    let error: Error<TypedError> = raw(401, body).api_error(TypedError::Unauthorized);
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!((api.code(), api.message()), (Some("invalid_api_key"), Some("Invalid API key")));
    let TypedError::Unauthorized(decoded) = &api.error;
    assert_eq!(decoded["error"]["code"], "invalid_api_key", "the typed body is still decoded");
    let text = check_chain(error);
    assert_eq!(
        text,
        "listMedia answered 401 Unauthorized, error invalid_api_key: \"Invalid API key\"; check the API key \
         (request id req-123)"
    );
    assert!(!text.contains("Unauthorized(") && !text.contains("Object"), "no Debug dump: {text}");
}

#[tokio::test]
async fn every_request_error_variant_chains_without_repeating() {
    let transport = check_chain(transport_error().await);
    assert!(transport.starts_with("testOp: could not reach the server: "), "{transport}");
    assert!(transport.to_lowercase().contains("connect"), "the cause is in the chain: {transport}");

    let unexpected: Error<TypedError> = raw(418, "short and stout").unexpected();
    assert!(check_chain(unexpected).contains("body starts: \"short and stout\""));
    let unexpected: Error<TypedError> = raw(404, r#"{"message":"Not Found"}"#).unexpected();
    let text = check_chain(unexpected);
    assert_eq!(
        text,
        "listMedia answered 404 Not Found, which its spec does not declare: \"Not Found\" (request id req-123)"
    );
    let decode = raw(200, "{oops").json::<client_runtime::serde_json::Value, TypedError>().expect_err("not JSON");
    check_chain(decode);

    // The errors no request here can provide are built and checked in `src/error/chain_tests.rs`.
    let errors: Vec<Error<TypedError>> =
        vec![Error::InvalidRequest(InvalidRequest::new("listMedia", "limit", "is above 100"))];
    for error in errors {
        check_chain(error);
    }
}

#[tokio::test]
async fn paging_download_build_and_storage_errors_chain_without_repeating() {
    check_chain(PageError::Request(transport_error().await));
    let paging = [
        PaginationError::Stalled { operation: "op", responses: 3, yielded: 7, what: "the same window" },
        PaginationError::Shifted { operation: "op", position: 10, rereads: 2 },
        PaginationError::TokenExpired { operation: "op", restarts: 1, yielded: 4 },
        PaginationError::BadCheckpoint { operation: "op", problem: "another page size".into() },
        PaginationError::OffsetLimit {
            operation: "op",
            max_offset: 10_000,
            position: 10_000,
            total: 12_000,
            hint: "filter",
        },
    ];
    for error in paging {
        check_chain(PageError::<TypedError>::Pagination(error));
    }

    let file = check_chain(DownloadError::File { path: "/tmp/x.png".into(), source: io_error() });
    assert_eq!(file, "could not write /tmp/x.png: permission denied (os error 13)");
    let broken = check_chain(DownloadError::Broken { received: 5, source: Box::new(io_error()) });
    assert_eq!(broken, "the download broke after 5 bytes: permission denied (os error 13)");
    check_chain(DownloadError::Stalled { idle: Duration::from_secs(1), received: 3 });
    check_chain(DownloadError::Truncated { expected: 9, received: 3 });
    check_chain(DownloadError::TooLarge { limit: 3 });

    let http = client_runtime::__private::reqwest::Client::new().get("not a url").build().expect_err("a builder error");
    let text = check_chain(BuildError::Http(Box::new(http)));
    assert!(text.starts_with("could not build the HTTP client: "), "{text}");
    check_chain(BuildError::InsecureBaseUrl { host: "api.example.com".into() });
    check_chain(BuildError::InvalidApiKey { reason: "it holds a line break" });

    for error in [
        StorageError::Refused("not https".into()),
        StorageError::Expired,
        StorageError::Status { status: 403, code: Some("AccessDenied".into()) },
        StorageError::Transport("connection failed".into()),
        StorageError::Timeout(Duration::from_secs(5)),
        StorageError::Read("file vanished".into()),
    ] {
        check_chain(error);
    }
}
