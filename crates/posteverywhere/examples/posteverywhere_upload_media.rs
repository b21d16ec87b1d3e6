//! Uploads a file (the three steps in one call), looks it up, then deletes it: against the real
//! PostEverywhere API when `POSTEVERYWHERE_API_KEY` is set (and `POSTEVERYWHERE_BASE_URL`,
//! optionally), otherwise against the built-in sandbox and its signed-storage origin.
//!
//! `cargo run -p posteverywhere-client --example posteverywhere_upload_media [file]` (without a file, a small
//! PNG is written to the temp directory and uploaded)

use sandbox::{Provider, Sandbox, SandboxConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = match std::env::args().nth(1) {
        Some(path) => std::path::PathBuf::from(path),
        None => {
            let path = std::env::temp_dir().join("posteverywhere-example.png");
            std::fs::write(&path, b"\x89PNG\r\n\x1a\n an example, not a real image")?;
            path
        }
    };
    let (_sandbox, base_url, key) = match std::env::var("POSTEVERYWHERE_API_KEY") {
        Ok(key) => {
            let base = std::env::var("POSTEVERYWHERE_BASE_URL")
                .unwrap_or_else(|_| "https://app.posteverywhere.ai/api/v1".into());
            (None, base, key)
        }
        Err(_) => {
            let sandbox = Sandbox::start(SandboxConfig::new(Provider::PostEverywhere).items(20)).await?;
            let (base, key) = (sandbox.base_url(), sandbox.api_key().to_owned());
            println!("POSTEVERYWHERE_API_KEY is not set: using the sandbox at {base}");
            (Some(sandbox), base, key)
        }
    };
    let client = posteverywhere_client::Client::builder().base_url(base_url).api_key(key).build()?;

    let media = client
        .upload_file(&path)
        .progress(|sent, total| eprint!("\r{sent}/{total} bytes"))
        .await
        .map_err(|e| format!("upload failed at {:?} (media {:?}): {e}", e.step(), e.media_id()))?;
    eprintln!();
    let media_id = media.id().ok_or("complete answered no id")?.to_owned();
    println!("uploaded {} as {media_id}: {:?}", path.display(), media.status);

    let got = client.get_media(media_id.clone()).send().await?;
    println!(
        "get: {} {} {} bytes, created {}",
        got.data.filename, got.data.content_type, got.data.size, got.data.created_at
    );

    let deleted = client.delete_media(media_id).send().await?;
    println!("deleted {}: {}", deleted.data.media_id, deleted.data.deleted);
    Ok(())
}
