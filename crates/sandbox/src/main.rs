//! `cargo run -p sandbox -- --provider utage --items 5000 --port 8080`

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use clap::Parser;
use sandbox::{Faults, Provider, RateLimitConfig, RateWindow, Sandbox, SandboxConfig};

/// Serves a local emulator of one media API (microCMS, UTAGE or PostEverywhere), with seeded
/// data and fault switches. Prints the base URL and the API key, then serves until Ctrl-C.
///
/// Faults counted in requests (--burst-429, --server-errors, --drop-connections, and the body
/// faults) are used up one per request from the start; a test changes them at run time through
/// `RunningSandbox::faults()` instead.
#[derive(Parser, Debug)]
#[command(name = "sandbox", version)]
struct Cli {
    /// The API to emulate: microcms, utage or posteverywhere.
    #[arg(long, short)]
    provider: Provider,

    /// How many media items the seeded library holds (10 to 1,000,000 and more; any size is
    /// cheap, items are derived on demand).
    #[arg(long, default_value_t = 100)]
    items: usize,

    /// Seed of the generated data: the same seed and item count give the same library.
    #[arg(long, default_value_t = 42)]
    seed: u64,

    /// The API key the sandbox accepts (X-MICROCMS-API-KEY, or the Bearer token).
    #[arg(long, default_value = "sandbox-key")]
    key: String,

    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,

    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,

    /// Rate limits: `off`, `documented` (UTAGE 60/min + 10,000/day; PostEverywhere 60/min +
    /// 1,000/h + 10,000/day; microCMS documents none), or windows such as `60/min`, `60/3s`,
    /// `1000/h` (repeat the flag for several windows). With limits on, every response carries
    /// X-RateLimit-*, and a refused request gets a 429 with Retry-After.
    #[arg(long, value_name = "off|documented|LIMIT/PERIOD", default_value = "off")]
    rate_limit: Vec<String>,

    /// Divide every rate-limit period by this factor (20 turns 60/min into 60 per 3 s).
    #[arg(long, default_value_t = 1.0)]
    rate_time_scale: f64,

    /// How long a microCMS v2 token stays valid, in milliseconds.
    #[arg(long, default_value_t = 15_000)]
    token_ttl_ms: u64,

    /// Latency added to every response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,

    /// Answer the first N requests with 429 (in the provider's envelope).
    #[arg(long, default_value_t = 0, value_name = "N")]
    burst_429: u32,

    /// The Retry-After (seconds) of those 429s.
    #[arg(long, default_value_t = 1, value_name = "SECS")]
    burst_retry_after: u64,

    /// Answer the first N requests (after any 429 burst) with --server-error-status.
    #[arg(long, default_value_t = 0, value_name = "N")]
    server_errors: u32,

    /// The status of those errors: 500, 502, 503 or 504.
    #[arg(long, default_value_t = 503)]
    server_error_status: u16,

    /// Close the connection of the first N requests without answering.
    #[arg(long, default_value_t = 0, value_name = "N")]
    drop_connections: u32,

    /// Cut the first N successful bodies in half (Content-Length promises more; the connection
    /// closes).
    #[arg(long, default_value_t = 0, value_name = "N")]
    truncate_bodies: u32,

    /// Send the first N successful bodies as invalid JSON.
    #[arg(long, default_value_t = 0, value_name = "N")]
    malformed_bodies: u32,

    /// Pad the first N successful bodies (valid JSON) to --oversized-bytes.
    #[arg(long, default_value_t = 0, value_name = "N")]
    oversized_bodies: u32,

    /// Size of an oversized body in bytes (default 6 MiB: over microCMS's ~5 MB).
    #[arg(long, default_value_t = sandbox::DEFAULT_OVERSIZED_BODY_BYTES)]
    oversized_bytes: usize,

    /// After each list request, insert K new items at the front (offset paging then repeats
    /// items).
    #[arg(long, default_value_t = 0, value_name = "K")]
    insert_per_request: usize,

    /// After each list request, delete the K front items (offset paging then skips items).
    #[arg(long, default_value_t = 0, value_name = "K")]
    delete_per_request: usize,

    /// Redirect every request (307) to the same path on this origin, e.g. http://127.0.0.1:9000.
    #[arg(long, value_name = "ORIGIN")]
    redirect_to: Option<String>,
}

fn rate_limit(cli: &Cli) -> Result<Option<RateLimitConfig>, String> {
    let mut windows = Vec::new();
    for spec in &cli.rate_limit {
        match spec.as_str() {
            "off" => {}
            "documented" => {
                if let Some(doc) = RateLimitConfig::documented(cli.provider) {
                    windows.extend(doc.windows);
                }
            }
            other => windows.push(other.parse::<RateWindow>().map_err(|e| e.to_string())?),
        }
    }
    Ok((!windows.is_empty()).then(|| RateLimitConfig::new(windows).time_scaled(cli.rate_time_scale)))
}

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let limits = match rate_limit(&cli) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    };
    let faults = Faults {
        latency: Duration::from_millis(cli.latency_ms),
        rate_limit_burst: cli.burst_429,
        burst_retry_after_secs: cli.burst_retry_after,
        server_errors: cli.server_errors,
        server_error_status: cli.server_error_status,
        drop_connections: cli.drop_connections,
        truncate_bodies: cli.truncate_bodies,
        malformed_bodies: cli.malformed_bodies,
        oversized_bodies: cli.oversized_bodies,
        oversized_body_bytes: cli.oversized_bytes,
        insert_per_request: cli.insert_per_request,
        delete_per_request: cli.delete_per_request,
        redirect_to: cli.redirect_to.clone(),
    };
    let mut config = SandboxConfig::new(cli.provider)
        .items(cli.items)
        .seed(cli.seed)
        .api_key(cli.key.clone())
        .token_ttl(Duration::from_millis(cli.token_ttl_ms))
        .faults(faults)
        .bind(SocketAddr::new(cli.host, cli.port));
    config.rate_limit = limits.clone();
    let sandbox = match Sandbox::start(config).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot listen on {}:{}: {e}", cli.host, cli.port);
            std::process::exit(1);
        }
    };
    println!("provider: {}", sandbox.provider());
    println!("base URL: {}", sandbox.base_url());
    println!("API key:  {}", sandbox.api_key());
    println!("items:    {} (seed {})", cli.items, cli.seed);
    match &limits {
        Some(l) => {
            let windows: Vec<String> = l.windows.iter().map(|w| format!("{}/{:?}", w.limit, w.period)).collect();
            println!("limits:   {}", windows.join(", "));
        }
        None => println!("limits:   off"),
    }
    println!("Ctrl-C stops.");
    let _ = tokio::signal::ctrl_c().await;
    sandbox.shutdown();
}
