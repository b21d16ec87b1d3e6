//! Decoding a page of 100 UTAGE media items: the generated `ListMediaResponse` (its structs
//! decode through the runtime's slots and `read_object`, its `created_at` a `LocalDateTime`)
//! beside the same shapes with serde's `#[derive(Deserialize)]`, in the same run. The derive is
//! the baseline the written-out decoding replaced for compile time (BENCHMARKS.md, "Scale");
//! this says what it costs at run time.
//!
//!     cargo bench -p e2e --bench decode

use criterion::{criterion_group, criterion_main, Criterion};
use serde::Deserialize;
use std::hint::black_box;
use utage_client::types::ListMediaResponse;

/// UTAGE's list response as serde's derive reads it (the same fields, renames and options).
#[derive(Deserialize)]
#[allow(dead_code)] // read only to be decoded
struct DerivedPage {
    data: Option<Vec<DerivedMedia>>,
    meta: Option<DerivedMeta>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct DerivedMedia {
    id: Option<String>,
    name: Option<String>,
    url: Option<String>,
    size: Option<i64>,
    mime_type: Option<String>,
    folder_id: Option<String>,
    created_at: Option<client_runtime::LocalDateTime>,
    notice: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct DerivedMeta {
    current_page: Option<i64>,
    per_page: Option<i64>,
    total: Option<i64>,
}

fn page() -> String {
    let items: Vec<String> = (0..100)
        .map(|i| {
            format!(
                r#"{{"id":"m{i}","name":"photo-{i}.jpg","url":"https://cdn.example.com/m{i}/photo-{i}.jpg","size":{size},"mime_type":"image/jpeg","folder_id":"f1","created_at":"2026-12-07 10:00:{sec:02}","notice":null,"extra":{{"ignored":[1,2]}}}}"#,
                size = 1000 + i,
                sec = i % 60
            )
        })
        .collect();
    format!(
        r#"{{"data":[{}],"meta":{{"current_page":1,"per_page":100,"total":100000,"last_page":1000}}}}"#,
        items.join(",")
    )
}

fn bench(c: &mut Criterion) {
    let body = page();
    let mut group = c.benchmark_group("decode/utage-page-of-100");
    group.bench_function("derive", |b| {
        b.iter(|| black_box(serde_json::from_str::<DerivedPage>(black_box(&body)).map(|p| p.data.map(|d| d.len()))))
    });
    group.bench_function("generated", |b| {
        b.iter(|| {
            black_box(serde_json::from_str::<ListMediaResponse>(black_box(&body)).map(|p| p.data.map(|d| d.len())))
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
