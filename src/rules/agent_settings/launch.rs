//! How an MCP server's command line names the package it fetches, and whether it pins one
//! version: `npx -y pkg` fetches whatever is newest at each start, `npx -y pkg@1.2.3` does not.

use crate::ir::Span;
use crate::spec::agent_settings::{Launcher, Registry};

/// One word of a command line, with where it is written.
#[derive(Debug, Clone)]
pub struct Word<'a> {
    pub text: &'a str,
    pub span: Span,
}

/// A package a launcher fetches with no pinned version.
#[derive(Debug)]
pub struct Unpinned<'a> {
    pub package: Word<'a>,
    /// The launcher as written (`npx`, `pnpm dlx`).
    pub launcher: String,
    pub registry: Registry,
}

/// The unpinned package a command line fetches and runs, if it does.
pub fn unpinned<'a>(
    words: &[Word<'a>],
    launchers: &[Launcher],
    wrappers: &[String],
) -> Option<Unpinned<'a>> {
    let start = words
        .iter()
        .position(|w| !wrappers.iter().any(|x| x.eq_ignore_ascii_case(w.text)))?;
    let program = program_name(words[start].text);
    let launcher = launchers.iter().find(|l| {
        l.commands.iter().any(|c| c.eq_ignore_ascii_case(program))
            && words[start + 1..]
                .iter()
                .map(|w| w.text)
                .take(l.subcommand.len())
                .eq(l.subcommand.iter().map(String::as_str))
    })?;
    let rest = &words[start + 1 + launcher.subcommand.len()..];
    let package = package_word(rest, launcher)?;
    if pinned(launcher.registry, package.text) || !from_registry(package.text) {
        return None;
    }
    let mut name = program.to_string();
    for s in &launcher.subcommand {
        name.push(' ');
        name.push_str(s);
    }
    Some(Unpinned {
        package,
        launcher: name,
        registry: launcher.registry,
    })
}

/// `/usr/local/bin/npx`, `npx.cmd` and `NPX.EXE` are `npx`.
fn program_name(command: &str) -> &str {
    let base = command.rsplit(['/', '\\']).next().unwrap_or(command);
    let lower_ends = |suffix: &str| {
        base.len() > suffix.len() && base[base.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    match [".cmd", ".exe"].into_iter().find(|s| lower_ends(s)) {
        Some(s) => &base[..base.len() - s.len()],
        None => base,
    }
}

/// The word naming the package: the value of a package option, else the first word that is not
/// an option or an option's value.
fn package_word<'a>(words: &[Word<'a>], launcher: &Launcher) -> Option<Word<'a>> {
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w.text == "--" {
            return words.get(i + 1).cloned();
        }
        if !w.text.starts_with('-') {
            return Some(w.clone());
        }
        let (option, inline) = match w.text.split_once('=') {
            Some((o, v)) => (o, Some(v)),
            None => (w.text, None),
        };
        let is_package = launcher.package_options.iter().any(|o| o == option);
        let takes_value = is_package || launcher.value_options.iter().any(|o| o == option);
        match (is_package, inline) {
            (true, Some(v)) => {
                return Some(Word {
                    text: v,
                    span: w.span,
                })
            }
            (true, None) => return words.get(i + 1).cloned(),
            _ => {}
        }
        i += if takes_value && inline.is_none() {
            2
        } else {
            1
        };
    }
    None
}

/// Local paths, URLs and git references are not a registry's packages: no version to pin.
fn from_registry(spec: &str) -> bool {
    let drive = spec.get(1..3).is_some_and(|s| s == ":\\" || s == ":/");
    let local = spec.starts_with(['.', '/', '~', '\\']) || drive;
    let remote = spec.contains("://")
        || ["git+", "git@", "github:", "gitlab:", "file:"]
            .iter()
            .any(|p| spec.starts_with(p));
    !(local || remote)
}

/// Whether a package spec names one version (npm and PyPI) or one image (Docker).
pub fn pinned(registry: Registry, spec: &str) -> bool {
    match registry {
        Registry::Npm => npm_version(spec).is_some_and(exact_version),
        Registry::Pypi => {
            let version = spec
                .split_once("===")
                .or_else(|| spec.split_once("=="))
                .or_else(|| spec.split_once('@'))
                .map(|(_, v)| v.trim());
            version.is_some_and(exact_version)
        }
        Registry::Docker => docker_pinned(spec),
    }
}

/// The package a spec names, without its version or extras (`@scope/pkg@latest` is
/// `@scope/pkg`, `pkg[cli]>=1` is `pkg`).
pub fn package_name(registry: Registry, spec: &str) -> &str {
    match registry {
        Registry::Npm => match npm_version(spec) {
            Some(v) => &spec[..spec.len() - v.len() - 1],
            None => spec,
        },
        Registry::Pypi => {
            let end = spec.find(['=', '@', '[', '<', '>', '~', '!', ' ']);
            &spec[..end.unwrap_or(spec.len())]
        }
        Registry::Docker => spec,
    }
}

/// The version after the name's `@` (a scope's leading `@` is part of the name).
fn npm_version(spec: &str) -> Option<&str> {
    let at = spec[1..].rfind('@')? + 1;
    Some(&spec[at + 1..])
}

/// `1.2.3`, `1.2.3-beta.1`, `v1.2.3`, `0.6.2.post1`: digits and dots with at least two dots, or
/// a full version with a suffix. `latest`, `next`, `^1.2`, `1`, `1.x` float.
fn exact_version(version: &str) -> bool {
    let v = version.strip_prefix(['v', '=']).unwrap_or(version);
    let core = v.split(['-', '+']).next().unwrap_or(v);
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() >= 3
        && parts[..3]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// An image by digest, or by a tag other than `latest`. A registry's port (`host:5000/img`) is
/// not a tag.
fn docker_pinned(image: &str) -> bool {
    if image.contains("@sha256:") {
        return true;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) => !tag.is_empty() && tag != "latest",
        None => false,
    }
}
