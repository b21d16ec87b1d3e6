//! Uploads a file as normal media (upload URL, signed POST to storage, complete in one call) and
//! finds it in the list: against the real UTAGE API when `UTAGE_API_KEY` is set (and
//! `UTAGE_BASE_URL`, optionally), otherwise against the built-in sandbox. UTAGE documents no
//! delete endpoint, so the file stays.
//!
//! `cargo run -p utage-client --example utage_upload_media [file]` (without a file, a small PNG is
//! written to the temp directory and uploaded)

use sandbox::{Provider, Sandbox, SandboxConfig};
use utage_client::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = match std::env::args().nth(1) {
        Some(path) => std::path::PathBuf::from(path),
        None => {
            let path = std::env::temp_dir().join("utage-example.png");
            std::fs::write(&path, b"\x89PNG\r\n\x1a\n an example, not a real image")?;
            path
        }
    };
    let (_sandbox, base_url, key) = match std::env::var("UTAGE_API_KEY") {
        Ok(key) => {
            let base = std::env::var("UTAGE_BASE_URL").unwrap_or_else(|_| "https://api.utage-system.com/v1".into());
            (None, base, key)
        }
        Err(_) => {
            let sandbox = Sandbox::start(SandboxConfig::new(Provider::Utage).items(20)).await?;
            let (base, key) = (sandbox.base_url(), sandbox.api_key().to_owned());
            println!("UTAGE_API_KEY is not set: using the sandbox at {base}");
            (Some(sandbox), base, key)
        }
    };
    let client = utage_client::Client::builder().base_url(base_url).api_key(key).build()?;

    let media = client
        .upload_file(&path)
        .progress(|sent, total| eprint!("\r{sent}/{total} bytes"))
        .await
        .map_err(|e| format!("upload failed at {:?} (media {:?}): {e}", e.step(), e.media_id()))?;
    eprintln!();
    let id = media.id.clone().unwrap_or_default();
    println!("uploaded {} as {id}: {:?}, {:?} bytes", path.display(), media.url, media.size);
    if let Some(notice) = &media.notice {
        println!("notice: {notice}");
    }

    let name = media.name.clone().unwrap_or_default();
    let found: Vec<_> = client.list_media().keyword(name).items().try_collect().await?;
    println!("the list shows it: {}", found.iter().any(|m| m.id.as_deref() == Some(id.as_str())));
    Ok(())
}
