// Temporary profiling probe (not committed).
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;
struct Counting;
static N: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        N.fetch_add(1, Relaxed);
        BYTES.fetch_add(l.size(), Relaxed);
        LIVE.fetch_add(l.size(), Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        unsafe { System.dealloc(p, l) }
    }
}
#[global_allocator]
static A: Counting = Counting;
fn main() {
    let path = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let desktop = valise_core::Desktop::in_dir(&path.with_file_name("signoff-desktop"));
    let n: usize = std::env::args()
        .nth(2)
        .map(|s| s.parse().unwrap())
        .unwrap_or(20);
    let mut keep = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        let lib = valise_core::Library::open(&path)
            .unwrap()
            .with_desktop(desktop.clone());
        let t1 = t.elapsed();
        let (n0, b0, l0) = (N.load(Relaxed), BYTES.load(Relaxed), LIVE.load(Relaxed));
        let b = lib.signoff().board().unwrap();
        let t2 = t.elapsed();
        println!(
            "open {:?} board {:?} ({} items) allocs {} bytes {} MB live +{} MB",
            t1,
            t2 - t1,
            b.len(),
            N.load(Relaxed) - n0,
            (BYTES.load(Relaxed) - b0) >> 20,
            (LIVE.load(Relaxed) - l0) >> 20
        );
        if std::env::var("KEEP").is_ok() {
            keep.push((lib, b));
        }
    }
}
