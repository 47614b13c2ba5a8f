//! A small HTTP/1.1 server on 127.0.0.1 for tests and the bench: std TcpListener, one thread
//! per connection (keep-alive), a handler function per request. Dropping the `Mock` stops
//! it and joins every thread, pass or fail. Shared by the sync tests, the CLI tests and the
//! bench (`#[path]`-included there).

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    /// The body, as sent (a GraphQL query's JSON).
    pub body: Vec<u8>,
}

impl Req {
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn query(&self, name: &str) -> Option<String> {
        let q = self.target.split_once('?')?.1;
        q.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == name).then(|| v.to_string())
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// A server that stalls: the headers and the body's first byte go out, the rest only
    /// after this long (or never, when the mock stops first).
    pub stall: Option<Duration>,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Reply {
            status,
            headers: vec![],
            body: body.into(),
            stall: None,
        }
    }

    pub fn header(mut self, k: &str, v: impl Into<String>) -> Self {
        self.headers.push((k.to_string(), v.into()));
        self
    }
}

pub type Handler = Arc<dyn Fn(&Req) -> Reply + Send + Sync>;

pub struct Mock {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
    pub log: Arc<Mutex<Vec<Req>>>,
    pub requests: Arc<AtomicU64>,
    /// Requests being answered right now, and the most seen at once.
    pub in_flight: Arc<AtomicU64>,
    pub max_in_flight: Arc<AtomicU64>,
}

impl Mock {
    pub fn start(handler: Handler) -> Mock {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let connections: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let log: Arc<Mutex<Vec<Req>>> = Arc::default();
        let requests = Arc::new(AtomicU64::new(0));
        let in_flight = Arc::new(AtomicU64::new(0));
        let max_in_flight = Arc::new(AtomicU64::new(0));
        let acceptor = {
            let (stop, connections, log) = (stop.clone(), connections.clone(), log.clone());
            let (requests, in_flight, max_in_flight) =
                (requests.clone(), in_flight.clone(), max_in_flight.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (stop, log, handler) = (stop.clone(), log.clone(), handler.clone());
                    let (requests, in_flight, max_in_flight) =
                        (requests.clone(), in_flight.clone(), max_in_flight.clone());
                    let h = std::thread::spawn(move || {
                        let _ = serve(
                            stream,
                            &stop,
                            &log,
                            &handler,
                            &requests,
                            &in_flight,
                            &max_in_flight,
                        );
                    });
                    connections.lock().unwrap().push(h);
                }
            })
        };
        Mock {
            addr,
            stop,
            acceptor: Some(acceptor),
            connections,
            log,
            requests,
            in_flight,
            max_in_flight,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn paths(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .map(|r| r.target.clone())
            .collect()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the acceptor.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(a) = self.acceptor.take() {
            let _ = a.join();
        }
        for h in self.connections.lock().unwrap().drain(..) {
            let _ = h.join();
        }
    }
}

fn serve(
    stream: TcpStream,
    stop: &AtomicBool,
    log: &Mutex<Vec<Req>>,
    handler: &Handler,
    requests: &AtomicU64,
    in_flight: &AtomicU64,
    max_in_flight: &AtomicU64,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_millis(100)))?;
    stream.set_nodelay(true)?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        // The request line; idle keep-alive connections poll the stop flag.
        let mut line = String::new();
        loop {
            if stop.load(Ordering::SeqCst) {
                return Ok(());
            }
            match reader.read_line(&mut line) {
                Ok(0) => return Ok(()),
                Ok(_) => break,
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue
                }
                Err(e) => return Err(e),
            }
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let target = parts.next().unwrap_or("").to_string();
        let mut headers = Vec::new();
        let mut length = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h)? == 0 {
                return Ok(());
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap_or(0);
                }
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let req = Req {
            method,
            target,
            headers,
            body,
        };
        requests.fetch_add(1, Ordering::SeqCst);
        let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        max_in_flight.fetch_max(now, Ordering::SeqCst);
        log.lock().unwrap().push(req.clone());
        let reply = handler(&req);
        let mut out = format!(
            "HTTP/1.1 {} X\r\ncontent-length: {}\r\n",
            reply.status,
            reply.body.len()
        );
        if !reply
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            out.push_str("content-type: application/json; charset=utf-8\r\n");
        }
        for (k, v) in &reply.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        let head = bytes.len() + reply.body.len().min(1);
        bytes.extend_from_slice(&reply.body);
        let written = match reply.stall {
            None => writer.write_all(&bytes).and_then(|_| writer.flush()),
            Some(stall) => {
                let first = writer
                    .write_all(&bytes[..head])
                    .and_then(|_| writer.flush());
                let until = std::time::Instant::now() + stall;
                while std::time::Instant::now() < until && !stop.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(20));
                }
                first
                    .and_then(|_| writer.write_all(&bytes[head..]))
                    .and_then(|_| writer.flush())
            }
        };
        in_flight.fetch_sub(1, Ordering::SeqCst);
        written?;
    }
}
