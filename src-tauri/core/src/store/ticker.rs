//! A named background thread that does something every period and once more
//! when it is stopped (dropped): the store's WAL checkpoints and its watch for
//! commits by other processes.

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// Why the task is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Beat {
    /// The period passed.
    Tick,
    /// The ticker is being dropped: the last call.
    Stop,
}

pub(crate) struct Ticker {
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Ticker {
    /// Calls `task(Beat::Tick)` every `every` until dropped, then `task(Beat::Stop)`.
    /// `None` when the system refuses a new thread.
    pub(crate) fn start(
        name: &str,
        every: Duration,
        mut task: impl FnMut(Beat) + Send + 'static,
    ) -> Option<Ticker> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || loop {
                match stopped.recv_timeout(every) {
                    Err(RecvTimeoutError::Timeout) => task(Beat::Tick),
                    _ => return task(Beat::Stop),
                }
            })
            .ok()?;
        Some(Ticker {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
