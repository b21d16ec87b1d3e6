//! Uploading a 100 MB file through PostEverywhere's `upload_file` (announce, a streamed PUT to
//! the sandbox's signed-storage origin, complete) against the same PUT done by a plain reqwest
//! client and by curl, in the same run, to the same storage endpoint.
//!
//! The sandbox runs in this process; each client runs in a child process of its own (this
//! executable again, `UPLOAD_CONSUMER=<mode> <base> <key> <file>`), which reports its wall time
//! and its peak RSS (`VmHWM`), so the figures are the client's alone. `cargo bench -p e2e --bench
//! upload` (from the workspace root); figures in BENCHMARKS.md.

use std::io::Write;
use std::process::Command;
use std::time::Instant;

use posteverywhere_client::types::{UploadMediaInput, UploadTicket};
use posteverywhere_client::Client;
use sandbox::{Provider, Sandbox, SandboxConfig};

const CONSUMER: &str = "UPLOAD_CONSUMER";
const FILE_BYTES: u64 = 100 * 1024 * 1024;
const ROUNDS: usize = 3;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime")
}

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or_default();
    line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).unwrap_or(0)
}

async fn announce(client: &Client, name: &str) -> UploadTicket {
    let input = UploadMediaInput {
        filename: name.into(),
        content_type: "video/mp4".into(),
        size: FILE_BYTES as i64,
        width: None,
        height: None,
        duration: None,
        platforms: None,
    };
    client.upload_media(input).send().await.expect("announce").into_body().data
}

/// The child: one upload, then "seconds peak_kib".
fn consume(spec: &str) {
    let parts: Vec<&str> = spec.split(' ').collect();
    let [mode, base, key, path] = parts[..] else { panic!("{CONSUMER}: want `mode base key file`") };
    let rt = runtime();
    let client = Client::builder().base_url(base).api_key(key).build().expect("client");
    let seconds = rt.block_on(async {
        match mode {
            "upload_file" => {
                let started = Instant::now();
                let media = client.upload_file(path).await.expect("upload_file");
                assert_eq!(media.size, Some(FILE_BYTES as i64));
                started.elapsed().as_secs_f64()
            }
            "reqwest_put" => {
                let ticket = announce(&client, "plain.mp4").await;
                let http = reqwest::Client::new();
                let started = Instant::now();
                let file = tokio::fs::File::open(path).await.expect("open");
                let response = http
                    .put(&ticket.upload_url)
                    .header("content-type", "video/mp4")
                    .header("content-length", FILE_BYTES)
                    .body(reqwest::Body::from(file))
                    .send()
                    .await
                    .expect("put");
                assert!(response.status().is_success(), "{}", response.status());
                let seconds = started.elapsed().as_secs_f64();
                client.complete_media_upload(ticket.media_id).send().await.expect("complete");
                seconds
            }
            other => panic!("unknown mode {other}"),
        }
    });
    println!("{seconds} {}", peak_rss_kib());
}

fn write_file(path: &std::path::Path) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
    let chunk: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
    for _ in 0..FILE_BYTES / chunk.len() as u64 {
        file.write_all(&chunk).expect("write");
    }
    file.flush().expect("flush");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    if let Ok(spec) = std::env::var(CONSUMER) {
        return consume(&spec);
    }
    let rt = runtime();
    let dir = std::env::temp_dir().join(format!("upload-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join("clip.mp4");
    write_file(&path);
    let sb = rt.block_on(Sandbox::start(SandboxConfig::new(Provider::PostEverywhere).items(10))).expect("sandbox");
    let client = Client::builder().base_url(sb.base_url()).api_key(sb.api_key()).build().expect("client");
    let exe = std::env::current_exe().expect("own path");
    let child = |mode: &str| {
        let spec = format!("{mode} {} {} {}", sb.base_url(), sb.api_key(), path.display());
        let out = Command::new(&exe).env(CONSUMER, spec).output().expect("child runs");
        assert!(out.status.success(), "{mode} failed: {}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut fields = stdout.lines().last().unwrap_or_default().split(' ');
        let seconds: f64 = fields.next().and_then(|v| v.parse().ok()).expect("seconds");
        let peak: u64 = fields.next().and_then(|v| v.parse().ok()).expect("peak");
        (seconds, peak)
    };
    let curl = |flag: &str| {
        let ticket = rt.block_on(announce(&client, "curl.mp4"));
        let started = Instant::now();
        let data = format!("@{}", path.display());
        let mut command = Command::new("curl");
        command.args(["-s", "-o", "/dev/null", "-f", "-X", "PUT", "-H", "Content-Type: video/mp4"]);
        match flag {
            "-T" => command.args(["-T", &path.display().to_string()]),
            _ => command.args(["--data-binary", &data]),
        };
        let status = command.arg(&ticket.upload_url).status().expect("curl runs");
        let seconds = started.elapsed().as_secs_f64();
        assert!(status.success(), "curl {flag} failed");
        rt.block_on(client.complete_media_upload(ticket.media_id).send()).expect("complete");
        seconds
    };
    let (mut ours, mut plain, mut curl_t, mut curl_data) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut ours_peak, mut plain_peak) = (0, 0);
    for _ in 0..ROUNDS {
        let (s, p) = child("upload_file");
        ours.push(s);
        ours_peak = ours_peak.max(p);
        let (s, p) = child("reqwest_put");
        plain.push(s);
        plain_peak = plain_peak.max(p);
        curl_t.push(curl("-T"));
        curl_data.push(curl("--data-binary"));
    }
    assert!(!sb.storage().api_key_seen(), "no key reached storage");
    let mib = FILE_BYTES as f64 / (1024.0 * 1024.0);
    let line = |name: &str, s: f64, peak: Option<u64>| {
        let peak = peak.map(|p| format!(", peak RSS {:.1} MiB", p as f64 / 1024.0)).unwrap_or_default();
        println!("{name:<34} {s:>6.3} s  {:>7.1} MiB/s{peak}", mib / s);
    };
    println!("100 MiB to the sandbox's storage origin, median of {ROUNDS} rounds (alternating)");
    line("upload_file (announce+PUT+complete)", median(ours.clone()), Some(ours_peak));
    line("plain reqwest PUT (File body)", median(plain.clone()), Some(plain_peak));
    line("curl -T", median(curl_t.clone()), None);
    line("curl --data-binary", median(curl_data.clone()), None);
    println!(
        "upload_file / fastest baseline: {:.2}x",
        median(ours) / [median(plain), median(curl_t), median(curl_data)].into_iter().fold(f64::MAX, f64::min)
    );
    drop(sb);
    let _ = std::fs::remove_dir_all(&dir);
}
