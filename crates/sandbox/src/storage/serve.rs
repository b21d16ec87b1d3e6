//! The storage origin's accept loop. Written on hyper rather than `axum::serve` for the same
//! reason as the API's (`server.rs`): cutting a connection mid-body must close the real socket,
//! so each connection's task owns it and a handler can ask for it to be dropped.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

/// Handed to each request (as an extension): notifying it drops the request's connection.
#[derive(Clone)]
pub(crate) struct Kill(pub(crate) Arc<Notify>);

pub(crate) async fn serve(listener: TcpListener, router: Router, shutdown: watch::Receiver<bool>) {
    let mut stop = shutdown.clone();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: wait rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(connection(stream, router.clone(), shutdown.clone()));
    }
}

async fn connection(stream: tokio::net::TcpStream, router: Router, mut shutdown: watch::Receiver<bool>) {
    let kill = Arc::new(Notify::new());
    let handed = Kill(kill.clone());
    let service = hyper::service::service_fn(move |req: Request<Incoming>| {
        let (router, handed) = (router.clone(), handed.clone());
        async move {
            let mut req = req.map(Body::new);
            req.extensions_mut().insert(handed);
            Ok::<_, Infallible>(router.oneshot(req).await.unwrap_or_else(|never| match never {}))
        }
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    // Leaving the select drops the connection future and with it the socket.
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = kill.notified() => {}
        _ = shutdown.changed() => {}
    }
}
