//! A fault proxy of our own between the client and a real WordPress: one
//! request per connection, each answered as the next scripted `Fault` says
//! (passed on unchanged when nothing is scripted), or, for a request whose
//! line holds a given text, as set for it (`on_request`).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Passed to WordPress and back unchanged.
    Pass,
    /// The connection is closed before WordPress sees the request.
    Drop,
    /// 502 Bad Gateway, WordPress never sees the request.
    BadGateway,
    /// 200 with a body that is not JSON, WordPress never sees the request.
    Garbage,
    /// Nothing is answered for this long (past the client's timeout).
    Stall(Duration),
    /// WordPress acts on the request; the client gets only the first `n`
    /// bytes of its answer, then the connection closes (0: nothing at all).
    CutAfterActing(usize),
}

type Targeted = Arc<Mutex<Vec<(String, Fault)>>>;

pub struct FaultProxy {
    pub url: String,
    script: Arc<Mutex<VecDeque<Fault>>>,
    /// (text of a request line, fault), each played once, before the script.
    targeted: Targeted,
    /// (request line, fault applied), in order of arrival.
    log: Arc<Mutex<Vec<(String, Fault)>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultProxy {
    /// Listens on a free port of 127.0.0.1 in front of `upstream` (host:port).
    pub async fn start(upstream: String) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let script = Arc::new(Mutex::new(VecDeque::new()));
        let targeted: Targeted = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (s, t, l) = (script.clone(), targeted.clone(), log.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                let (upstream, script, targeted, log) =
                    (upstream.clone(), s.clone(), t.clone(), l.clone());
                tokio::spawn(async move {
                    let _ = serve(client, &upstream, &script, &targeted, &log).await;
                });
            }
        });
        FaultProxy {
            url,
            script,
            targeted,
            log,
            task,
        }
    }

    /// The next request whose line holds `text` (e.g. `POST /wp-json/wp/v2/media`)
    /// gets `fault`, whatever the script says.
    pub fn on_request(&self, text: &str, fault: Fault) {
        self.targeted
            .lock()
            .unwrap()
            .push((text.to_string(), fault));
    }

    /// The next requests get these faults, in order.
    pub fn script(&self, faults: &[Fault]) {
        self.script.lock().unwrap().extend(faults.iter().copied());
    }

    /// The request lines seen so far, with what was done to each.
    pub fn seen(&self) -> Vec<(String, Fault)> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut client: TcpStream,
    upstream: &str,
    script: &Mutex<VecDeque<Fault>>,
    targeted: &Mutex<Vec<(String, Fault)>>,
    log: &Mutex<Vec<(String, Fault)>>,
) -> std::io::Result<()> {
    let request = read_request(&mut client).await?;
    let line =
        String::from_utf8_lossy(&request[..request.iter().position(|&b| b == b'\r').unwrap_or(0)])
            .to_string();
    let fault = {
        let mut targeted = targeted.lock().unwrap();
        match targeted
            .iter()
            .position(|(text, _)| line.contains(text.as_str()))
        {
            Some(i) => targeted.remove(i).1,
            None => script.lock().unwrap().pop_front().unwrap_or(Fault::Pass),
        }
    };
    log.lock().unwrap().push((line, fault));
    match fault {
        Fault::Drop => return Ok(()),
        Fault::BadGateway => {
            let body = "<html><body>502 Bad Gateway</body></html>";
            let answer = format!(
                "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            client.write_all(answer.as_bytes()).await?;
        }
        Fault::Garbage => {
            let body = "<html>Maintenance: back soon";
            let answer = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            client.write_all(answer.as_bytes()).await?;
        }
        Fault::Stall(d) => {
            tokio::time::sleep(d).await;
        }
        Fault::Pass | Fault::CutAfterActing(_) => {
            let answer = forward(&request, upstream).await?;
            let answer = match fault {
                Fault::CutAfterActing(n) => &answer[..n.min(answer.len())],
                _ => &answer[..],
            };
            client.write_all(answer).await?;
        }
    }
    client.shutdown().await
}

/// One whole request: headers, then Content-Length bytes of body.
async fn read_request(client: &mut TcpStream) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                buf.truncate(end + 4 + length);
                return Ok(buf);
            }
        }
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Sends the request to WordPress on a connection of its own (asked to close
/// after the answer) and reads the whole answer, with `Connection: close` so
/// the client never reuses its side either.
async fn forward(request: &[u8], upstream: &str) -> std::io::Result<Vec<u8>> {
    let end = find(request, b"\r\n\r\n").expect("a whole request");
    let head = String::from_utf8_lossy(&request[..end]);
    let mut out: Vec<u8> = Vec::new();
    for line in head.split("\r\n") {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            out.extend_from_slice(line.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b"Connection: close\r\n\r\n");
    out.extend_from_slice(&request[end + 4..]);
    let mut server = TcpStream::connect(upstream).await?;
    server.write_all(&out).await?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer).await?;
    let Some(end) = find(&answer, b"\r\n\r\n") else {
        return Ok(answer);
    };
    let head = String::from_utf8_lossy(&answer[..end]).to_string();
    let mut rewritten: Vec<u8> = Vec::new();
    for line in head.split("\r\n") {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            rewritten.extend_from_slice(line.as_bytes());
            rewritten.extend_from_slice(b"\r\n");
        }
    }
    rewritten.extend_from_slice(b"Connection: close\r\n\r\n");
    rewritten.extend_from_slice(&answer[end + 4..]);
    Ok(rewritten)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
