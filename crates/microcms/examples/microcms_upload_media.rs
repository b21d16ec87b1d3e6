//! Uploads a file (one streamed multipart request), finds it with `GET /api/v2/media`, then
//! deletes it: against the real Management API when `MICROCMS_API_KEY` and
//! `MICROCMS_SERVICE_DOMAIN` are set, otherwise against the built-in sandbox.
//!
//! `cargo run -p microcms-client --example microcms_upload_media [file]` (without a file, a small PNG is
//! written to the temp directory and uploaded)

use microcms_client::prelude::*;
use microcms_client::ServerVariables;
use sandbox::{Provider, Sandbox, SandboxConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = match std::env::args().nth(1) {
        Some(path) => std::path::PathBuf::from(path),
        None => {
            let path = std::env::temp_dir().join("microcms-example.png");
            std::fs::write(&path, b"\x89PNG\r\n\x1a\n an example, not a real image")?;
            path
        }
    };
    let real = std::env::var("MICROCMS_API_KEY").ok().zip(std::env::var("MICROCMS_SERVICE_DOMAIN").ok());
    let (_sandbox, client) = match real {
        Some((key, domain)) => (None, microcms_client::Client::builder().service_domain(domain).api_key(key).build()?),
        None => {
            let sandbox = Sandbox::start(SandboxConfig::new(Provider::MicroCms).items(20)).await?;
            println!("MICROCMS_API_KEY is not set: using the sandbox at {}", sandbox.base_url());
            let client =
                microcms_client::Client::builder().base_url(sandbox.base_url()).api_key(sandbox.api_key()).build()?;
            (Some(sandbox), client)
        }
    };

    let media = client
        .upload_file(&path)
        .progress(|sent, total| eprint!("\r{sent}/{total} bytes"))
        .await
        .map_err(|e| format!("upload failed at {:?}: {e}", e.step()))?;
    eprintln!();
    println!("uploaded {} to {}", path.display(), media.url);

    let listed: Vec<_> = client.list_media_v2().items().try_collect().await?;
    let found = listed.iter().find(|m| m.url == media.url).ok_or("the upload is not listed")?;
    println!("listed as {}", found.id);

    let deleted = client.delete_media(media.url.clone()).send().await?;
    println!("deleted {}", deleted.id);
    Ok(())
}
