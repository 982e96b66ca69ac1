//! The start-up and memory figures of `figures`: the real app on a 10,000-post
//! library under Xvfb, and the memory of its process tree.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use super::{generated_library, ms, Sample};

/// Cold start of the real app under Xvfb on a 10,000-post library: from spawning
/// the process to the UI reporting its first painted library view; then the
/// memory of the app and its WebKit processes.
pub fn startup(dir: &Path) {
    println!("## start-up of the app on a 10,000-post library (Xvfb)");
    let app = std::env::var("VALISE_APP").unwrap_or_else(|_| {
        format!(
            "{}/../../target/release/valise-app",
            env!("CARGO_MANIFEST_DIR")
        )
    });
    if !Path::new(&app).exists() {
        println!("skipped: {app} is not built (make bench builds it)");
        return;
    }
    let library = generated_library(dir, 10_000, 200);
    let mut xvfb = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x820x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("Xvfb (apt-get install xvfb)");
    let display = {
        use std::io::BufRead;
        let mut line = String::new();
        std::io::BufReader::new(xvfb.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        format!(":{}", line.trim())
    };
    let mut starts = Vec::new();
    let mut memory = Vec::new();
    for run in 0..8 {
        let t = Instant::now();
        let mut child = Command::new(&app)
            .args(["--library", library.to_str().unwrap()])
            .env("DISPLAY", &display)
            .env("VALISE_REPORT_READY", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let ready = {
            use std::io::BufRead;
            std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
                .any(|l| l.contains("window ready"))
        };
        let elapsed = t.elapsed();
        assert!(ready, "the app exited before its window was ready");
        std::thread::sleep(Duration::from_millis(1500));
        let pids = process_tree(child.id());
        let shares: Vec<Memory> = pids.iter().map(|pid| memory_of(*pid)).collect();
        let (rss, pss) = shares
            .iter()
            .fold((0, 0), |(r, p), m| (r + m.rss, p + m.pss));
        if run == 7 {
            breakdown(&shares, &pids);
        }
        for pid in pids.iter().rev() {
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
        let _ = child.wait();
        println!(
            "run {run}: ready after {}, {} processes, RSS {} MB, PSS {} MB",
            ms(elapsed),
            pids.len(),
            rss / 1024,
            pss / 1024
        );
        if run > 0 {
            starts.push(elapsed);
            memory.push((rss, pss));
        }
    }
    let _ = xvfb.kill();
    let _ = xvfb.wait();
    starts.sort();
    let s = Sample(starts);
    memory.sort();
    let (rss, pss) = memory[memory.len() / 2];
    println!(
        "start to interactive window: median {}, worst {} (runs 1-7; run 0 warms the disk cache)",
        ms(s.median()),
        ms(s.pct(1.0))
    );
    println!(
        "memory, app + WebKit processes: RSS {} MB, PSS {} MB (median)",
        rss / 1024,
        pss / 1024
    );
}

/// `root` and all its descendants, parents first.
fn process_tree(root: u32) -> Vec<u32> {
    let mut parents = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        // The command name may hold spaces: fields resume after the last ')'.
        let after = &stat[stat.rfind(')').unwrap_or(0) + 2..];
        let ppid: u32 = after
            .split(' ')
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        parents.push((pid, ppid));
    }
    let mut tree = vec![root];
    let mut i = 0;
    while i < tree.len() {
        let p = tree[i];
        tree.extend(parents.iter().filter(|(_, pp)| *pp == p).map(|(c, _)| *c));
        i += 1;
    }
    tree
}

/// What one process holds, in KiB: PSS split into anonymous memory (heaps, the
/// JavaScript engine), file-backed pages (libraries, fonts, data files) and
/// shared memory.
struct Memory {
    name: String,
    rss: u64,
    pss: u64,
    anon: u64,
    file: u64,
    shmem: u64,
}

fn memory_of(pid: u32) -> Memory {
    let field = |text: &str, name: &str| -> u64 {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
    Memory {
        name: name.trim().to_string(),
        rss: field(&status, "VmRSS:"),
        pss: field(&rollup, "Pss:"),
        anon: field(&rollup, "Pss_Anon:"),
        file: field(&rollup, "Pss_File:"),
        shmem: field(&rollup, "Pss_Shmem:"),
    }
}

/// Prints each process's share, then the files mapped into the tree that weigh
/// most (summed PSS over all its processes): where a difference between two
/// machines comes from (library versions, fonts, caches) shows here.
fn breakdown(shares: &[Memory], pids: &[u32]) {
    println!("memory by process (last run), KiB:");
    println!(
        "  {:<22} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "process", "RSS", "PSS", "anon", "file", "shmem"
    );
    for m in shares {
        println!(
            "  {:<22} {:>8} {:>8} {:>8} {:>8} {:>8}",
            m.name, m.rss, m.pss, m.anon, m.file, m.shmem
        );
    }
    let mut by_file: std::collections::BTreeMap<String, u64> = Default::default();
    for pid in pids {
        let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).unwrap_or_default();
        let mut current = String::new();
        for line in smaps.lines() {
            let first = line.split_whitespace().next().unwrap_or("");
            if first.contains('-') && !first.ends_with(':') {
                // A mapping header: address range, perms, offset, dev, inode, path.
                current = line
                    .split_whitespace()
                    .nth(5)
                    .unwrap_or("[anonymous]")
                    .to_string();
            } else if let Some(v) = line.strip_prefix("Pss:") {
                let kib: u64 = v.trim().trim_end_matches("kB").trim().parse().unwrap_or(0);
                *by_file.entry(current.clone()).or_default() += kib;
            }
        }
    }
    let mut heaviest: Vec<_> = by_file.into_iter().collect();
    heaviest.sort_by_key(|entry| std::cmp::Reverse(entry.1));
    println!("heaviest mappings over the tree (PSS KiB):");
    for (path, kib) in heaviest.iter().take(15) {
        println!("  {kib:>8}  {path}");
    }
}
