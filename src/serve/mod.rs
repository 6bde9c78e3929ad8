//! `dl4m serve`: build, serve on 127.0.0.1, watch the inputs, rebuild on a
//! change and reload the open pages.
//!
//! The site is built with the same [`build`] as `dl4m build`, into a
//! temporary folder, so what is previewed is what would be published. Only on
//! the way out does each served HTML page get a small module script
//! (`live.js`) and, when the last build failed or found errors, an overlay
//! with the diagnostics; the files on disk never contain them. The script
//! listens to a server-sent events channel (`/__dl4m/events`) that announces
//! every finished build, and reloads when the build is newer than its page.
//!
//! A build that fails (a template error, unreadable data) leaves the previous
//! site in place, since the writer only swaps in a complete site, so the last
//! good site stays served under the overlay. Rebuilds go through the
//! incremental writer: only files whose content changed are rewritten.

use crate::{Checked, Options, build};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tiny_http::{Header, Method, Request, Response, Server};

/// The script injected into served pages.
const LIVE_JS: &str = include_str!("live.js");

/// How long the inputs must be quiet before a rebuild starts: editors write a
/// file in several steps, and a save should cause one build, not three.
const SETTLE: Duration = Duration::from_millis(80);

/// How often an idle event stream sends a comment, so that closed
/// connections are noticed and their threads end.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What `dl4m serve` was asked to do.
pub struct ServeOptions {
    /// How to build; `out` is replaced by a temporary folder.
    pub build: Options,
    /// The port on 127.0.0.1.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
}

/// The outcome of one build, passed to the caller to print.
pub enum Built<'a> {
    /// The site was built (possibly with error diagnostics on some entries).
    Done(&'a Checked, Duration),
    /// Nothing was written; the previous site stays served.
    Failed(&'a anyhow::Error),
}

/// Builds, serves and rebuilds until Ctrl-C; `report` is called after every
/// build and `on_ready` once with the address being served.
pub fn serve(
    options: ServeOptions,
    report: impl Fn(Built),
    on_ready: impl FnOnce(&str),
) -> Result<()> {
    let server = Server::http(("127.0.0.1", options.port)).map_err(|err| {
        anyhow::anyhow!(
            "cannot listen on 127.0.0.1:{}: {err}; choose another port with --port",
            options.port
        )
    })?;
    let out = std::env::temp_dir().join(format!("dl4m-serve-{}", std::process::id()));
    let mut build_options = options.build;
    build_options.out = out.clone();

    let live = Arc::new(Live::default());
    let (signals, received) = mpsc::channel();
    let _watcher = watch(&watched_paths(&build_options), signals.clone())?;
    let stop = signals.clone();
    ctrlc::set_handler(move || {
        let _ = stop.send(Signal::Stop);
    })
    .context("cannot handle Ctrl-C")?;

    rebuild(&build_options, &live, &report);
    let server = Arc::new(server);
    let listener = spawn_listener(Arc::clone(&server), out.clone(), Arc::clone(&live));
    let address = format!("http://127.0.0.1:{}/", options.port);
    on_ready(&address);
    if options.open {
        open_browser(&address);
    }

    while wait_for_change(&received) {
        rebuild(&build_options, &live, &report);
    }

    live.stop();
    server.unblock();
    let _ = listener.join();
    std::fs::remove_dir_all(&out)
        .or_else(|err| match err.kind() {
            std::io::ErrorKind::NotFound => Ok(()),
            _ => Err(err),
        })
        .with_context(|| format!("cannot remove the preview folder {}", out.display()))
}

/// Messages to the build loop from the file watcher and the Ctrl-C handler.
enum Signal {
    Changed,
    Stop,
}

/// Blocks until an input changed and has been quiet for [`SETTLE`]; false
/// once it is time to stop.
fn wait_for_change(received: &Receiver<Signal>) -> bool {
    match received.recv() {
        Ok(Signal::Changed) => {}
        Ok(Signal::Stop) | Err(_) => return false,
    }
    loop {
        match received.recv_timeout(SETTLE) {
            Ok(Signal::Changed) => {}
            Ok(Signal::Stop) | Err(RecvTimeoutError::Disconnected) => return false,
            Err(RecvTimeoutError::Timeout) => return true,
        }
    }
}

/// The data, template and static folders the build reads, and `dl4m.toml`
/// beside the data when there is one.
fn watched_paths(options: &Options) -> Vec<PathBuf> {
    let folders = [&options.data, &options.templates, &options.static_dir];
    let mut paths: Vec<PathBuf> = folders.into_iter().flatten().cloned().collect();
    if let Some(config) = options
        .data
        .as_deref()
        .and_then(|data| data.parent())
        .map(|site| site.join("dl4m.toml"))
        .filter(|config| config.is_file())
    {
        paths.push(config);
    }
    paths
}

/// Starts watching `paths`; every relevant change sends [`Signal::Changed`].
fn watch(paths: &[PathBuf], signals: Sender<Signal>) -> Result<notify::RecommendedWatcher> {
    use notify::{EventKind, RecursiveMode, Watcher};
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        let edits = matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_)
        );
        if edits && event.paths.iter().any(|p| !is_editor_scratch(p)) {
            let _ = signals.send(Signal::Changed);
        }
    })
    .context("cannot watch the data for changes")?;
    for path in paths {
        watcher
            .watch(path, RecursiveMode::Recursive)
            .with_context(|| format!("cannot watch {} for changes", path.display()))?;
    }
    Ok(watcher)
}

/// Files editors write beside the one being edited (swap, backup, lock
/// files), whose changes are not changes to the site.
fn is_editor_scratch(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name == "4913"
}

/// Runs one build and publishes its outcome to the open pages.
fn rebuild(options: &Options, live: &Live, report: &impl Fn(Built)) {
    let started = Instant::now();
    let problems = match build(options) {
        Ok(checked) => {
            report(Built::Done(&checked, started.elapsed()));
            data_errors(&checked)
        }
        Err(err) => {
            report(Built::Failed(&err));
            Some(Problems {
                heading: "The build failed; this is the last good site.".into(),
                text: format!("{err:#}"),
            })
        }
    };
    live.publish(problems);
}

/// The error diagnostics of a build that went through, for the overlay.
fn data_errors(checked: &Checked) -> Option<Problems> {
    let errors: Vec<String> = checked
        .diagnostics
        .sorted()
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .map(|d| d.render(&checked.sources, crate::diag::Paint { color: false }))
        .collect();
    (!errors.is_empty()).then(|| Problems {
        heading: format!(
            "{}: the entries concerned are left out of the site.",
            crate::diag::plural(errors.len(), "error")
        ),
        text: errors.join("\n\n"),
    })
}

/// What the overlay shows.
#[derive(Clone)]
struct Problems {
    heading: String,
    text: String,
}

/// The state shared by the build loop and the request threads.
#[derive(Default)]
struct Live {
    status: Mutex<Status>,
    changed: Condvar,
}

#[derive(Default, Clone)]
struct Status {
    /// Counts finished builds; pages carry the number they were served at.
    generation: u64,
    problems: Option<Problems>,
    stopping: bool,
}

impl Live {
    fn lock(&self) -> MutexGuard<'_, Status> {
        self.status
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn publish(&self, problems: Option<Problems>) {
        let mut status = self.lock();
        status.generation += 1;
        status.problems = problems;
        self.changed.notify_all();
    }

    fn stop(&self) {
        self.lock().stopping = true;
        self.changed.notify_all();
    }

    fn snapshot(&self) -> Status {
        self.lock().clone()
    }

    /// Waits until a build newer than `seen` finished, or [`KEEP_ALIVE`].
    fn wait_after(&self, seen: u64) -> Status {
        let status = self.lock();
        let (status, _) = self
            .changed
            .wait_timeout_while(status, KEEP_ALIVE, |s| s.generation == seen && !s.stopping)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        status.clone()
    }
}

/// Answers requests, one thread each (event streams stay open).
fn spawn_listener(
    server: Arc<Server>,
    out: PathBuf,
    live: Arc<Live>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let out = out.clone();
            let live = Arc::clone(&live);
            std::thread::spawn(move || respond(request, &out, &live));
        }
    })
}

fn respond(request: Request, out: &Path, live: &Live) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(Response::from_string("Method not allowed").with_status_code(405));
        return;
    }
    let path = request
        .url()
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .to_string();
    let result = match path.as_str() {
        "/__dl4m/events" => stream_events(request, live),
        "/__dl4m/live.js" => request.respond(with_type(
            Response::from_string(LIVE_JS),
            "text/javascript; charset=utf-8",
        )),
        _ => serve_file(request, &path, out, live),
    };
    // A reader closing the tab mid-response is not worth reporting.
    drop(result);
}

/// Sends the generation of every finished build as a `build` event.
fn stream_events(request: Request, live: &Live) -> std::io::Result<()> {
    let mut writer = request.into_writer();
    writer.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
          Connection: close\r\n\r\nretry: 500\n\n",
    )?;
    let mut status = live.snapshot();
    let mut sent = None;
    while !status.stopping {
        if sent != Some(status.generation) {
            write!(writer, "event: build\ndata: {}\n\n", status.generation)?;
            sent = Some(status.generation);
        } else {
            writer.write_all(b": keep-alive\n\n")?;
        }
        writer.flush()?;
        status = live.wait_after(status.generation);
    }
    Ok(())
}

fn serve_file(request: Request, url_path: &str, out: &Path, live: &Live) -> std::io::Result<()> {
    let (file, status_code) = match resolve(out, url_path) {
        Some(file) => (file, 200),
        None => (out.join("404.html"), 404),
    };
    let Ok(bytes) = std::fs::read(&file) else {
        return request.respond(Response::from_string("Not found").with_status_code(404));
    };
    let kind = content_type(&file);
    let body = if kind.starts_with("text/html") {
        inject(&bytes, &live.snapshot())
    } else {
        bytes
    };
    request.respond(with_type(Response::from_data(body), kind).with_status_code(status_code))
}

/// The file a URL path names inside `out`, or `None` when there is none or
/// the path would leave `out` (`..`, encoded or not).
fn resolve(out: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(url_path)
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\\', '\0']) {
        return None;
    }
    let relative = Path::new(decoded.trim_start_matches('/'));
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let path = out.join(relative);
    let file = if path.is_dir() {
        path.join("index.html")
    } else {
        path
    };
    file.is_file().then_some(file)
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "bib" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn with_type<R: std::io::Read>(response: Response<R>, kind: &str) -> Response<R> {
    let mut response = response;
    for (name, value) in [("Content-Type", kind), ("Cache-Control", "no-store")] {
        if let Ok(header) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            response.add_header(header);
        }
    }
    response
}

/// Adds the live-reload script, and the overlay when there are problems, at
/// the end of the body of a served page.
fn inject(html: &[u8], status: &Status) -> Vec<u8> {
    let mut snippet = format!(
        r#"<script type="module" src="/__dl4m/live.js?build={}"></script>"#,
        status.generation
    );
    if let Some(problems) = &status.problems {
        snippet.push_str(&overlay(problems));
    }
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut page = Vec::with_capacity(html.len() + snippet.len());
    page.extend_from_slice(&html[..at]);
    page.extend_from_slice(snippet.as_bytes());
    page.extend_from_slice(&html[at..]);
    page
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// The overlay listing the problems of the last build, escaped as text.
fn overlay(problems: &Problems) -> String {
    format!(
        concat!(
            r#"<div id="dl4m-problems" role="alert" style="position:fixed;inset:auto 0 0 0;"#,
            r#"max-height:60vh;overflow:auto;z-index:2147483647;background:#2b0b0b;color:#fde8e8;"#,
            r#"font:14px/1.5 ui-monospace,monospace;padding:1rem 1.25rem;border-top:4px solid #e5484d">"#,
            r#"<button type="button" style="float:right;font:inherit;padding:.2rem .6rem">Close</button>"#,
            r#"<strong>dl4m serve: {}</strong><pre style="white-space:pre-wrap;margin:.75rem 0 0">{}</pre></div>"#
        ),
        escape(&problems.heading),
        escape(&problems.text)
    )
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// Asks the desktop to open `address`; a failure only prints a note.
fn open_browser(address: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener)
        .arg(address)
        .spawn()
        .is_err()
    {
        eprintln!("note: could not open a browser ({opener}); open {address} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_stays_inside_the_site() {
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("articles/a")).unwrap();
        std::fs::write(site.path().join("articles/a/index.html"), "a").unwrap();
        std::fs::write(site.path().join("index.html"), "home").unwrap();
        let out = site.path();
        assert_eq!(resolve(out, "/"), Some(out.join("index.html")));
        assert_eq!(
            resolve(out, "/articles/a/"),
            Some(out.join("articles/a/index.html"))
        );
        assert_eq!(
            resolve(out, "/articles/a"),
            Some(out.join("articles/a/index.html"))
        );
        assert_eq!(
            resolve(out, "/articles/%61/"),
            Some(out.join("articles/a/index.html"))
        );
        for escape in [
            "/../etc/passwd",
            "/articles/%2e%2e/%2e%2e/x",
            "/a%00b",
            "/..%5c..%5cx",
        ] {
            assert_eq!(resolve(out, escape), None, "{escape}");
        }
        assert_eq!(resolve(out, "/missing/"), None);
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let status = Status {
            generation: 7,
            ..Status::default()
        };
        let page = String::from_utf8(inject(b"<p>x</p></body></html>", &status)).unwrap();
        assert_eq!(
            page,
            r#"<p>x</p><script type="module" src="/__dl4m/live.js?build=7"></script></body></html>"#
        );
        // Minified pages may omit `</body>`: the script is appended.
        let page = String::from_utf8(inject(b"<p>x", &status)).unwrap();
        assert!(page.ends_with("build=7\"></script>"));
    }

    #[test]
    fn the_overlay_escapes_the_diagnostics() {
        let status = Status {
            generation: 1,
            problems: Some(Problems {
                heading: "1 error".into(),
                text: "data/a.bib:3: <script>alert(1)</script> & more".into(),
            }),
            stopping: false,
        };
        let page = String::from_utf8(inject(b"</body>", &status)).unwrap();
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
        assert!(!page.contains("<script>alert"));
        assert!(page.contains(r#"id="dl4m-problems" role="alert""#));
    }

    #[test]
    fn editor_scratch_files_are_not_changes() {
        for scratch in [
            "data/.list.bib.swp",
            "data/list.bib~",
            "data/4913",
            "data/.#list.bib",
        ] {
            assert!(is_editor_scratch(Path::new(scratch)), "{scratch}");
        }
        assert!(!is_editor_scratch(Path::new("data/list.bib")));
    }

    #[test]
    fn waiting_for_a_change_settles_bursts_and_stops() {
        let (send, receive) = mpsc::channel();
        for _ in 0..3 {
            send.send(Signal::Changed).unwrap();
        }
        assert!(wait_for_change(&receive));
        send.send(Signal::Changed).unwrap();
        send.send(Signal::Stop).unwrap();
        assert!(!wait_for_change(&receive));
    }
}
