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
        let (rss, pss) = pids.iter().fold((0, 0), |(r, p), pid| {
            let (r2, p2) = memory_of(*pid);
            (r + r2, p + p2)
        });
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

/// (RSS, PSS) in KiB.
fn memory_of(pid: u32) -> (u64, u64) {
    let field = |text: &str, name: &str| -> u64 {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    (field(&status, "VmRSS:"), field(&rollup, "Pss:"))
}
