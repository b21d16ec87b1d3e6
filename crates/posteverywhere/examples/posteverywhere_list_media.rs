//! Lists media: against the real PostEverywhere API when `POSTEVERYWHERE_API_KEY` is set (and
//! `POSTEVERYWHERE_BASE_URL`, optionally), otherwise against the built-in sandbox.
//!
//! `cargo run -p posteverywhere-client --example posteverywhere_list_media [image|video|document]`

use posteverywhere_client::types::MediaType;
use sandbox::{Provider, Sandbox, SandboxConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let kind = std::env::args().nth(1).map(|k| match k.as_str() {
        "image" => MediaType::Image,
        "video" => MediaType::Video,
        "document" => MediaType::Document,
        other => MediaType::Unknown(other.to_owned()),
    });
    let (_sandbox, base_url, key) = match std::env::var("POSTEVERYWHERE_API_KEY") {
        Ok(key) => {
            let base = std::env::var("POSTEVERYWHERE_BASE_URL")
                .unwrap_or_else(|_| "https://app.posteverywhere.ai/api/v1".into());
            (None, base, key)
        }
        Err(_) => {
            let sandbox = Sandbox::start(SandboxConfig::new(Provider::PostEverywhere).items(120)).await?;
            let (base, key) = (sandbox.base_url(), sandbox.api_key().to_owned());
            println!("POSTEVERYWHERE_API_KEY is not set: using the sandbox at {base}");
            (Some(sandbox), base, key)
        }
    };
    let client = posteverywhere_client::Client::builder().base_url(base_url).api_key(key).build()?;
    let page = client.list_media().limit(20).set_type(kind).send().await?;
    println!("request {}: {} items", page.request_id().unwrap_or("-"), page.data.items.len());
    for item in &page.data.items {
        println!(
            "{:<38} {:<9} {:<10} {:<28} {:>9} B",
            item.media_id, item.r#type, item.status, item.filename, item.size
        );
    }
    Ok(())
}
