//! The floor for `aiguard scan`'s speed: the same walk and load, then only a tree-sitter parse of
//! each Python / notebook / TypeScript / TSX / JavaScript file (no lowering, no rules, no report).
//!
//! Usage: `parse_only [--threads N] PATH...` — prints `files <n> bytes <n> parsed <n> seconds <s>` where
//! files and bytes count every loaded source (text files too, as the scan counts them), `parsed`
//! the ones tree-sitter parsed; the five slowest files go to stderr.

use aiguard::discover::{self, WalkOptions};
use aiguard::source::Language;
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::Instant;
use tree_sitter::Parser;

/// One parser per grammar, per rayon work split.
struct Parsers {
    python: Parser,
    typescript: Parser,
    tsx: Parser,
    javascript: Parser,
}

impl Parsers {
    fn new() -> Self {
        let make = |lang: tree_sitter::Language| {
            let mut p = Parser::new();
            p.set_language(&lang)
                .expect("grammar ABI matches tree-sitter");
            p
        };
        Parsers {
            python: make(tree_sitter_python::LANGUAGE.into()),
            typescript: make(tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into()),
            tsx: make(tree_sitter_typescript::LANGUAGE_TSX.into()),
            javascript: make(tree_sitter_javascript::LANGUAGE.into()),
        }
    }

    fn for_language(&mut self, lang: Language) -> Option<&mut Parser> {
        match lang {
            Language::Python | Language::Notebook => Some(&mut self.python),
            Language::TypeScript => Some(&mut self.typescript),
            Language::Tsx => Some(&mut self.tsx),
            Language::JavaScript => Some(&mut self.javascript),
            // Components and pages are blanked around their scripts first (`lang::sfc`), not
            // parsed whole.
            Language::Rust | Language::Vue | Language::Svelte | Language::Html | Language::Text => {
                None
            }
        }
    }
}

fn main() {
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--threads" || arg == "-j" {
            threads = match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => n,
                _ => {
                    eprintln!("parse_only: --threads needs a positive number");
                    std::process::exit(2);
                }
            };
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }

    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool");
    let opts = WalkOptions {
        paths,
        exclude: Vec::new(),
        force_exclude: false,
        max_filesize: aiguard::app::DEFAULT_MAX_FILESIZE,
        threads,
        respect_ignore_files: true,
    };
    let (candidates, _) = discover::walk(&opts);
    // Per file: (bytes, parsed, seconds, display path).
    let per_file: Vec<(u64, bool, f64, &str)> = pool.install(|| {
        candidates
            .par_iter()
            .map_init(Parsers::new, |parsers, c| {
                let t = Instant::now();
                let source = discover::load(c, opts.max_filesize).source?;
                let bytes = source.raw.as_ref().map_or(source.text.len(), |r| r.len()) as u64;
                let parsed = parsers
                    .for_language(source.language)
                    .and_then(|p| p.parse(&source.text, None))
                    .is_some();
                Some((bytes, parsed, t.elapsed().as_secs_f64(), c.display.as_str()))
            })
            .flatten()
            .collect()
    });
    let files = per_file.len();
    let bytes: u64 = per_file.iter().map(|f| f.0).sum();
    let trees = per_file.iter().filter(|f| f.1).count();
    // The slowest files, to stderr: one pathological file can dominate the wall time.
    let mut slowest: Vec<_> = per_file.iter().collect();
    slowest.sort_by(|a, b| b.2.total_cmp(&a.2));
    for (bytes, _, secs, path) in slowest.iter().take(5) {
        eprintln!("slow: {secs:.3}s {bytes} bytes {path}");
    }
    println!(
        "files {files} bytes {bytes} parsed {trees} seconds {:.3}",
        start.elapsed().as_secs_f64()
    );
}
