//! One real site for a whole test file (harness = false): each test runs on
//! it in turn, those named by a command-line filter only, a panic counted as
//! a failure, and the site stopped at the end even then.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;

use crate::wordpress_support::{self, Site};

pub type Test = for<'a> fn(&'a Site) -> Pin<Box<dyn Future<Output = ()> + 'a>>;

/// `tests![a, b]`: the named async tests as (name, `Test`) pairs.
macro_rules! tests {
    ($($name:ident),* $(,)?) => {
        [$((stringify!($name), (|s| Box::pin($name(s))) as $crate::runner::Test)),*]
    };
}

/// Starts a site (with the plugin), runs `all` on it, prints libtest's
/// summary lines and exits 101 on a failure. Skipped, saying why, when the
/// tools are missing; `what` names the file's tests in that line.
pub fn run_on_one_site(what: &str, all: &[(&str, Test)]) {
    let Some(filter) = wordpress_support::chosen(what) else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let site = Site::start(true);
    let (mut passed, mut failed) = (0, Vec::new());
    for (name, test) in all {
        if !wordpress_support::is_chosen(&filter, name) {
            continue;
        }
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| runtime.block_on(test(&site))));
        match outcome {
            Ok(()) => {
                println!("test {name} ... ok");
                passed += 1;
            }
            Err(_) => {
                println!("test {name} ... FAILED");
                failed.push(*name);
            }
        }
    }
    drop(site);
    wordpress_support::summarise(passed, &failed);
}
