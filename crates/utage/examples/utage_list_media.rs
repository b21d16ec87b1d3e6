//! Lists media: against the real UTAGE API when `UTAGE_API_KEY` is set (and `UTAGE_BASE_URL`,
//! optionally), otherwise against the built-in sandbox started in this process.
//!
//! `cargo run -p utage-client --example utage_list_media [keyword]`

use sandbox::{Provider, Sandbox, SandboxConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let keyword = std::env::args().nth(1);
    let (_sandbox, base_url, key) = match std::env::var("UTAGE_API_KEY") {
        Ok(key) => {
            let base = std::env::var("UTAGE_BASE_URL").unwrap_or_else(|_| "https://api.utage-system.com/v1".into());
            (None, base, key)
        }
        Err(_) => {
            let sandbox = Sandbox::start(SandboxConfig::new(Provider::Utage).items(120)).await?;
            let (base, key) = (sandbox.base_url(), sandbox.api_key().to_owned());
            println!("UTAGE_API_KEY is not set: using the sandbox at {base}");
            (Some(sandbox), base, key)
        }
    };
    let client = utage_client::Client::builder().base_url(base_url).api_key(key).build()?;
    let request = client.list_media().per_page(20).set_keyword(keyword);
    let page = request.send().await?;
    let meta = page.meta.as_ref();
    println!(
        "page {} of {} media ({} per page); rate limit remaining: {:?}",
        meta.and_then(|m| m.current_page).unwrap_or(1),
        meta.and_then(|m| m.total).unwrap_or_default(),
        meta.and_then(|m| m.per_page).unwrap_or_default(),
        page.http().rate_limit().remaining,
    );
    for media in page.data.iter().flatten() {
        println!(
            "{:<14} {:<32} {:>9} B  {}  {}",
            media.id.as_deref().unwrap_or("?"),
            media.name.as_deref().unwrap_or("?"),
            media.size.unwrap_or_default(),
            media.mime_type.as_deref().unwrap_or("?"),
            media.created_at.as_ref().map_or("?".to_owned(), ToString::to_string),
        );
    }
    Ok(())
}
