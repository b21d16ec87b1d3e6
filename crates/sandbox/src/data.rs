//! The seeded media library.
//!
//! Nothing big is stored: every item is derived on demand from (seed, serial), so a library of
//! 1,000,000 items costs a few words. Serials run from 1 (oldest) upwards; the library lists
//! newest first, i.e. by descending serial. Inserts take fresh serials above the highest one;
//! deletes go into a set. Uploaded files keep their own name in a small map.
//!
//! Filtered listings read a memoised index: the matching serials of one filter, newest first,
//! computed by one scan and kept until the library changes (any insert or delete drops every
//! index), so paging a filtered library costs a scan per change, not a scan per request.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use crate::util::{mix, uuid};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Image,
    Video,
    Document,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Image => "image",
            Kind::Video => "video",
            Kind::Document => "document",
        }
    }
}

const IMAGE_EXTS: [(&str, &str); 5] = [
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("svg", "image/svg+xml"),
];
const VIDEO_EXTS: [(&str, &str); 3] = [("mp4", "video/mp4"), ("mov", "video/quicktime"), ("webm", "video/webm")];
const DOCUMENT_EXTS: [(&str, &str); 5] = [
    ("pdf", "application/pdf"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("txt", "text/plain"),
    ("zip", "application/zip"),
];

/// English and Japanese stems, so filters and clients meet multi-byte names and spaces.
const STEMS: [&str; 32] = [
    "cat",
    "dog",
    "sunset",
    "product-photo",
    "banner",
    "logo",
    "team",
    "office",
    "event",
    "summer",
    "new product",
    "report",
    "invoice",
    "slide",
    "interview",
    "tutorial",
    "猫の写真",
    "犬",
    "夕焼け",
    "商品画像",
    "バナー",
    "ロゴ",
    "社員紹介",
    "オフィス",
    "イベント",
    "夏祭り",
    "冬の景色",
    "月次レポート",
    "請求書",
    "会議資料",
    "東京タワー",
    "富士山と桜",
];

pub(crate) const TAGS: [&str; 8] =
    ["drawings", "animals", "landscape", "people", "products", "logo", "イベント", "季節"];

const ALTS: [&str; 8] = [
    "walking with dog in the park",
    "a cat sleeping on a sofa",
    "sunset over the sea",
    "company logo",
    "公園で散歩する犬",
    "ソファで眠る猫",
    "海に沈む夕日",
    "新商品のパッケージ",
];

const IMAGE_SIZES: [(u32, u32); 6] = [(1200, 800), (1920, 1080), (800, 800), (591, 138), (1080, 1350), (3000, 2000)];
const VIDEO_SIZES: [(u32, u32); 4] = [(1920, 1080), (1280, 720), (1080, 1920), (3840, 2160)];

/// 2023-01-01T00:00:00Z: the oldest item's time; each serial is about a minute younger.
const EPOCH_MS: i64 = 1_672_531_200_000;

/// One media item, with every field any provider shows.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// A stable per-item hash that providers turn into ids.
    pub hash: u64,
    pub kind: Kind,
    pub name: String,
    pub mime: &'static str,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration: Option<f64>,
    pub tags: Vec<&'static str>,
    pub alt: Option<&'static str>,
    pub folder: Option<usize>,
    pub status: &'static str,
}

pub(crate) fn ext_kind(name: &str) -> (Kind, &'static str) {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let find = |table: &[(&'static str, &'static str)]| table.iter().find(|(e, _)| *e == ext).map(|(_, m)| *m);
    if let Some(m) = find(&IMAGE_EXTS) {
        (Kind::Image, m)
    } else if let Some(m) = find(&VIDEO_EXTS) {
        (Kind::Video, m)
    } else {
        (Kind::Document, find(&DOCUMENT_EXTS).unwrap_or("application/octet-stream"))
    }
}

/// A listing filter: a predicate on serials and a key that names it (the same key must mean the
/// same predicate for as long as the library does not change).
pub(crate) struct Filter<'a> {
    key: String,
    test: &'a dyn Fn(u64) -> bool,
}

impl<'a> Filter<'a> {
    pub fn new(key: impl Into<String>, test: &'a dyn Fn(u64) -> bool) -> Self {
        Filter { key: key.into(), test }
    }
}

/// Indexes kept at most; more distinct filters than this between two changes start afresh.
const MAX_INDEXES: usize = 16;

/// The library: the seeded items plus the changes made while the server runs.
pub(crate) struct Store {
    seed: u64,
    /// The highest serial handed out; serials 1..=top exist unless removed.
    top: u64,
    removed: BTreeSet<u64>,
    uploaded: HashMap<u64, String>,
    folder_ids: Vec<String>,
    /// Filter key → its matching serials, newest first, valid for the library as it is now.
    indexes: Mutex<HashMap<String, Arc<Vec<u64>>>>,
}

impl Store {
    pub fn new(seed: u64, items: usize) -> Self {
        let folders = (items / 25).clamp(2, 50);
        let folder_ids = (0..folders).map(|i| format!("fld_{:08x}", mix(seed, 0xF01D, i as u64) as u32)).collect();
        Store {
            seed,
            top: items as u64,
            removed: BTreeSet::new(),
            uploaded: HashMap::new(),
            folder_ids,
            indexes: Mutex::new(HashMap::new()),
        }
    }

    /// The library changed: every memoised index is stale.
    fn changed(&mut self) {
        self.indexes.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The serials `filter` matches, newest first: memoised until the library changes.
    fn index(&self, filter: &Filter<'_>) -> Arc<Vec<u64>> {
        let mut indexes = self.indexes.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = indexes.get(&filter.key) {
            return Arc::clone(found);
        }
        let found: Arc<Vec<u64>> = Arc::new(self.iter_below(u64::MAX).filter(|s| (filter.test)(*s)).collect());
        if indexes.len() >= MAX_INDEXES {
            indexes.clear();
        }
        indexes.insert(filter.key.clone(), Arc::clone(&found));
        found
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn folder_ids(&self) -> &[String] {
        &self.folder_ids
    }

    /// How many items the library holds now.
    pub fn len(&self) -> usize {
        usize::try_from(self.top).unwrap_or(usize::MAX) - self.removed.len()
    }

    pub fn contains(&self, serial: u64) -> bool {
        (1..=self.top).contains(&serial) && !self.removed.contains(&serial)
    }

    fn h(&self, serial: u64, lane: u64) -> u64 {
        mix(self.seed, serial, lane)
    }

    /// The kind alone, without building the item: cheap enough to filter a million items.
    pub fn kind(&self, serial: u64) -> Kind {
        if let Some(name) = self.uploaded.get(&serial) {
            return ext_kind(name).0;
        }
        match self.h(serial, 0) % 100 {
            0..60 => Kind::Image,
            60..75 => Kind::Video,
            _ => Kind::Document,
        }
    }

    pub fn folder(&self, serial: u64) -> Option<usize> {
        let h = self.h(serial, 1);
        if (h >> 24) % 100 < 40 || self.uploaded.contains_key(&serial) {
            None
        } else {
            Some(((h >> 32) % self.folder_ids.len() as u64) as usize)
        }
    }

    pub fn name(&self, serial: u64) -> String {
        if let Some(name) = self.uploaded.get(&serial) {
            return name.clone();
        }
        let h = self.h(serial, 0);
        let stem = STEMS[((h >> 16) % STEMS.len() as u64) as usize];
        let table: &[(&str, &str)] = match self.kind(serial) {
            Kind::Image => &IMAGE_EXTS,
            Kind::Video => &VIDEO_EXTS,
            Kind::Document => &DOCUMENT_EXTS,
        };
        let ext = table[((h >> 8) % table.len() as u64) as usize].0;
        format!("{stem}_{serial}.{ext}")
    }

    /// The tags alone (microCMS), cheap enough for a filter.
    pub fn tags(&self, serial: u64) -> Vec<&'static str> {
        let (h1, h2) = (self.h(serial, 1), self.h(serial, 2));
        // Three hashes ANDed: each tag on about one item in eight, pairs rarer still.
        let bits = (h1 & (h1 >> 8) & (h2 >> 16)) & 0xFF;
        TAGS.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, t)| *t).collect()
    }

    /// The alternative text (microCMS), on about half the items.
    pub fn alt(&self, serial: u64) -> Option<&'static str> {
        let h1 = self.h(serial, 1);
        ((h1 >> 8) % 2 == 0).then(|| ALTS[((h1 >> 16) % ALTS.len() as u64) as usize])
    }

    pub fn item(&self, serial: u64) -> Item {
        let (h0, h1, h2) = (self.h(serial, 0), self.h(serial, 1), self.h(serial, 2));
        let kind = self.kind(serial);
        let name = self.name(serial);
        let mime = ext_kind(&name).1;
        let (width, height, duration, size) = match kind {
            Kind::Image => {
                let (w, hgt) = IMAGE_SIZES[(h2 % IMAGE_SIZES.len() as u64) as usize];
                (Some(w), Some(hgt), None, 20_000 + (h2 >> 8) % 5_000_000)
            }
            Kind::Video => {
                let (w, hgt) = VIDEO_SIZES[(h2 % VIDEO_SIZES.len() as u64) as usize];
                let tenths = 50 + (h2 >> 40) % 6_000;
                (Some(w), Some(hgt), Some(tenths as f64 / 10.0), 1_000_000 + (h2 >> 8) % 500_000_000)
            }
            Kind::Document => (None, None, None, 10_000 + (h2 >> 8) % 20_000_000),
        };
        let minutes = i64::try_from(serial).unwrap_or(i64::MAX).saturating_mul(60_000);
        let created_ms = EPOCH_MS.saturating_add(minutes).saturating_add((h2 % 60_000) as i64);
        let updated_ms = created_ms.saturating_add(((h2 >> 20) % (30 * 86_400_000)) as i64);
        Item {
            hash: h0,
            kind,
            name,
            mime,
            created_ms,
            updated_ms,
            size,
            width,
            height,
            duration,
            tags: self.tags(serial),
            alt: self.alt(serial),
            folder: self.folder(serial),
            status: match (h1 >> 40) % 100 {
                0..90 => "ready",
                90..97 => "processing",
                _ => "failed",
            },
        }
    }

    /// A provider-style UUID for an item.
    pub fn uuid(&self, serial: u64) -> String {
        uuid(self.h(serial, 10), self.h(serial, 11))
    }

    /// Visible serials below `below`, newest first.
    pub fn iter_below(&self, below: u64) -> impl Iterator<Item = u64> + '_ {
        (1..below.min(self.top.saturating_add(1))).rev().filter(|s| !self.removed.contains(s))
    }

    /// The serial at position `n` (0 = newest), skipping removed ones without a scan: each
    /// removed serial at or above the candidate pushes it one down.
    fn nth(&self, n: usize) -> Option<u64> {
        let mut s = i128::from(self.top) - n as i128;
        for &x in self.removed.iter().rev() {
            if i128::from(x) >= s {
                s -= 1;
            } else {
                break;
            }
        }
        u64::try_from(s).ok().filter(|s| *s >= 1)
    }

    /// One page by position, and the number of matching items (a filter reads its memoised
    /// index, built by one scan of the library the first time).
    pub fn offset_page(&self, offset: usize, limit: usize, filter: Option<&Filter<'_>>) -> (Vec<u64>, usize) {
        match filter {
            None => {
                let page = match self.nth(offset) {
                    Some(first) => self.iter_below(first + 1).take(limit).collect(),
                    None => Vec::new(),
                };
                (page, self.len())
            }
            Some(f) => {
                let index = self.index(f);
                let page = index.iter().skip(offset).take(limit).copied().collect();
                (page, index.len())
            }
        }
    }

    /// The matching items below the cursor serial, and the number of matching items overall.
    pub fn cursor_page(&self, below: u64, limit: usize, filter: Option<&Filter<'_>>) -> (Vec<u64>, usize) {
        match filter {
            None => (self.iter_below(below).take(limit).collect(), self.len()),
            Some(f) => {
                let index = self.index(f);
                // Newest first, so the serials below the cursor are a suffix.
                let from = index.partition_point(|s| *s >= below);
                (index[from..].iter().take(limit).copied().collect(), index.len())
            }
        }
    }

    pub fn insert_front(&mut self, k: usize) {
        if k > 0 {
            self.changed();
        }
        self.top = self.top.saturating_add(k as u64);
    }

    pub fn insert_uploaded(&mut self, name: String) -> u64 {
        self.changed();
        self.top = self.top.saturating_add(1);
        self.uploaded.insert(self.top, name);
        self.top
    }

    pub fn delete_front(&mut self, k: usize) {
        let front: Vec<u64> = self.iter_below(u64::MAX).take(k).collect();
        if !front.is_empty() {
            self.changed();
        }
        self.removed.extend(front);
    }

    pub fn remove(&mut self, serial: u64) -> bool {
        let removed = self.contains(serial) && self.removed.insert(serial);
        if removed {
            self.changed();
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_seed_dependent() {
        let a = Store::new(7, 100);
        let b = Store::new(7, 100);
        let c = Store::new(8, 100);
        assert_eq!(a.name(5), b.name(5));
        assert_eq!(a.uuid(5), b.uuid(5));
        assert!((1..=100).any(|s| a.name(s) != c.name(s)));
    }

    #[test]
    fn paging_skips_removed_items() {
        let mut s = Store::new(1, 20);
        s.remove(20);
        s.remove(18);
        s.remove(3);
        let all: Vec<u64> = s.iter_below(u64::MAX).collect();
        assert_eq!(all.len(), 17);
        for offset in 0..20 {
            let (page, total) = s.offset_page(offset, 3, None);
            let want: Vec<u64> = all.iter().skip(offset).take(3).copied().collect();
            assert_eq!(page, want, "offset {offset}");
            assert_eq!(total, 17);
        }
    }

    #[test]
    fn front_inserts_and_deletes() {
        let mut s = Store::new(1, 10);
        s.insert_front(2);
        assert_eq!(s.offset_page(0, 1, None), (vec![12], 12));
        s.delete_front(3);
        assert_eq!(s.offset_page(0, 1, None), (vec![9], 9));
    }

    #[test]
    fn a_million_items_cost_nothing_up_front() {
        let s = Store::new(42, 1_000_000);
        assert_eq!(s.len(), 1_000_000);
        let (page, _) = s.offset_page(999_990, 100, None);
        assert_eq!(page.len(), 10);
        assert_eq!(page[9], 1);
    }

    #[test]
    fn filtered_pages_follow_changes() {
        let mut s = Store::new(3, 500);
        let even = |x: u64| x % 2 == 0;
        let scan = |s: &Store, offset: usize| -> (Vec<u64>, usize) {
            let all: Vec<u64> = s.iter_below(u64::MAX).filter(|x| even(*x)).collect();
            (all.iter().skip(offset).take(7).copied().collect(), all.len())
        };
        for step in 0..6 {
            for offset in [0, 5, 100, 249, 260] {
                assert_eq!(
                    s.offset_page(offset, 7, Some(&Filter::new("even", &even))),
                    scan(&s, offset),
                    "step {step}"
                );
            }
            let (page, total) = s.cursor_page(301, 4, Some(&Filter::new("even", &even)));
            assert_eq!(page, s.iter_below(301).filter(|x| even(*x)).take(4).collect::<Vec<_>>());
            assert_eq!(total, scan(&s, 0).1);
            match step {
                0 => s.insert_front(3),
                1 => s.delete_front(4),
                2 => assert!(s.remove(200)),
                3 => {
                    s.insert_uploaded("new.png".into());
                }
                _ => s.insert_front(1),
            }
        }
    }
}
