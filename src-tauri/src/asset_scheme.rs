//! The window's asset URL scheme (`valise-asset://localhost/…`): thumbnails
//! and stored files of the open library, answered off the UI thread. What may
//! be served, and with which headers, is the core's (`assets::serve`).

use tauri::http::{header, Response, StatusCode};
use tauri::{Builder, Manager, Runtime};
use valise_core::assets::serve::{Served, SCHEME};

use crate::commands::OpenedLibrary;

pub fn register<R: Runtime>(builder: Builder<R>) -> Builder<R> {
    builder.register_asynchronous_uri_scheme_protocol(SCHEME, |ctx, request, responder| {
        let app = ctx.app_handle().clone();
        let path = request.uri().path().to_string();
        let method_ok = request.method() == tauri::http::Method::GET;
        tauri::async_runtime::spawn_blocking(move || {
            let answer = if method_ok {
                served(&app, &path)
            } else {
                refused(StatusCode::METHOD_NOT_ALLOWED, "only GET".into())
            };
            responder.respond(answer);
        });
    })
}

fn served<R: Runtime>(app: &tauri::AppHandle<R>, path: &str) -> Response<Vec<u8>> {
    let state = app.state::<OpenedLibrary>();
    let lib = match state.get() {
        Ok(lib) => lib,
        Err(e) => return refused(StatusCode::SERVICE_UNAVAILABLE, e.message),
    };
    match lib.assets().serve(path) {
        Ok(Served {
            content_type,
            bytes,
            policy,
        }) => {
            let mut response = Response::builder()
                .status(StatusCode::OK)
                .header(header::CONTENT_TYPE, content_type)
                .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
                // Named by checksum: the same URL is always the same bytes.
                .header(header::CACHE_CONTROL, "max-age=31536000, immutable");
            if let Some(policy) = policy {
                response = response.header(header::CONTENT_SECURITY_POLICY, policy);
            }
            response
                .body(bytes)
                .unwrap_or_else(|e| refused(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
        }
        Err(e) => {
            let status = match e {
                valise_core::Error::AssetNotServed { .. } => StatusCode::NOT_FOUND,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            refused(status, e.to_string())
        }
    }
}

fn refused(status: StatusCode, message: String) -> Response<Vec<u8>> {
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain; charset=utf-8")
        .body(message.into_bytes())
        .unwrap_or_default()
}
