//! Lists media with `GET /api/v2/media`: against the real Management API when
//! `MICROCMS_API_KEY` and `MICROCMS_SERVICE_DOMAIN` are set, otherwise against the built-in sandbox.
//!
//! `cargo run -p microcms-client --example microcms_list_media [fileName]`

use microcms_client::ServerVariables;
use sandbox::{Provider, Sandbox, SandboxConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file_name = std::env::args().nth(1);
    let real = std::env::var("MICROCMS_API_KEY").ok().zip(std::env::var("MICROCMS_SERVICE_DOMAIN").ok());
    let (_sandbox, client) = match real {
        Some((key, domain)) => (None, microcms_client::Client::builder().service_domain(domain).api_key(key).build()?),
        None => {
            let sandbox = Sandbox::start(SandboxConfig::new(Provider::MicroCms).items(120)).await?;
            println!("MICROCMS_API_KEY is not set: using the sandbox at {}", sandbox.base_url());
            let client =
                microcms_client::Client::builder().base_url(sandbox.base_url()).api_key(sandbox.api_key()).build()?;
            (Some(sandbox), client)
        }
    };
    let page = client.list_media_v2().limit(20).set_file_name(file_name).send().await?;
    println!("{} media in all; this page has {}", page.total_count, page.media.len());
    for media in &page.media {
        let tags = media.tags.as_deref().unwrap_or_default().join(",");
        println!(
            "{:<38} {:<5}x{:<5} [{tags}] {}",
            media.id,
            media.width.unwrap_or(0),
            media.height.unwrap_or(0),
            media.url
        );
    }
    Ok(())
}
