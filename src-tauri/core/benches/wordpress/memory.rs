//! What a sync's peak memory is made of, so that growth can be pinned on its
//! cause rather than guessed: the process's peak resident set (VmHWM), its
//! anonymous and file-backed parts (sampled, /proc/self/status has no peak
//! of each), the Rust heap's exact peak (a counting allocator) and SQLite's
//! own (it allocates with libc's malloc, beside the Rust heap).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// The system allocator, counting the bytes live and their peak.
pub struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is System's own; only counters are added around it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

/// kB of each field asked for, from one read of /proc/self/status.
fn status_kb<const N: usize>(fields: [&str; N]) -> [u64; N] {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    fields.map(|field| {
        status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    })
}

fn sqlite_now() -> i64 {
    // SAFETY: a plain read of SQLite's global counter.
    unsafe { rusqlite::ffi::sqlite3_memory_used() }
}

/// Resets SQLite's high-water mark to what it holds now and answers that.
fn sqlite_reset() -> i64 {
    // SAFETY: as above; 1 resets the mark.
    unsafe { rusqlite::ffi::sqlite3_memory_highwater(1) };
    sqlite_now()
}

fn sqlite_peak() -> i64 {
    // SAFETY: as above; 0 reads without resetting.
    unsafe { rusqlite::ffi::sqlite3_memory_highwater(0) }
}

const MB: f64 = 1024.0 * 1024.0;

/// A measurement under way: started just before the work, read just after.
pub struct Probe {
    rss: f64,
    anon: f64,
    file: f64,
    heap: usize,
    sqlite: i64,
    stop: Arc<AtomicBool>,
    sampler: JoinHandle<(u64, u64)>,
}

/// Peaks over the work, each as MB above its level when the probe started.
pub struct Peaks {
    pub rss_before: f64,
    pub rss_peak: f64,
    pub anon: f64,
    pub file: f64,
    pub heap: f64,
    pub sqlite: f64,
}

impl std::fmt::Display for Peaks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RSS {:.0} MB before, peak {:.0} MB (+{:.1} MB: anonymous +{:.1}, file-backed +{:.1}; \
             Rust heap +{:.1}, SQLite +{:.1})",
            self.rss_before,
            self.rss_peak,
            self.rss_peak - self.rss_before,
            self.anon,
            self.file,
            self.heap,
            self.sqlite
        )
    }
}

impl Probe {
    pub fn start() -> Probe {
        // "5" resets the peak resident set size to the current one (Linux ≥ 4.0).
        let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
        assert!(
            reset,
            "cannot reset VmHWM: the memory figure needs Linux's clear_refs"
        );
        let [rss, anon, file] = status_kb(["VmRSS:", "RssAnon:", "RssFile:"]);
        PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
        let stop = Arc::new(AtomicBool::new(false));
        let sampler = {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let (mut anon, mut file) = (0, 0);
                loop {
                    let [a, f] = status_kb(["RssAnon:", "RssFile:"]);
                    anon = anon.max(a);
                    file = file.max(f);
                    if stop.load(Ordering::Relaxed) {
                        return (anon, file);
                    }
                    std::thread::sleep(Duration::from_millis(2));
                }
            })
        };
        Probe {
            rss: rss as f64 / 1024.0,
            anon: anon as f64 / 1024.0,
            file: file as f64 / 1024.0,
            heap: LIVE.load(Ordering::Relaxed),
            sqlite: sqlite_reset(),
            stop,
            sampler,
        }
    }

    pub fn finish(self) -> Peaks {
        let heap = PEAK.load(Ordering::Relaxed);
        let sqlite = sqlite_peak();
        let [hwm] = status_kb(["VmHWM:"]);
        self.stop.store(true, Ordering::Relaxed);
        let (anon, file) = self.sampler.join().expect("the sampler never panics");
        Peaks {
            rss_before: self.rss,
            rss_peak: hwm as f64 / 1024.0,
            anon: anon as f64 / 1024.0 - self.anon,
            file: file as f64 / 1024.0 - self.file,
            heap: heap.saturating_sub(self.heap) as f64 / MB,
            sqlite: (sqlite - self.sqlite).max(0) as f64 / MB,
        }
    }
}
