//! Settings files of coding agents and MCP clients. AIG904: a tool's settings file (known by its
//! path) sets a key that switches approval off. AIG905: a file holding MCP servers (known by its
//! content, whatever its name) starts one through a launcher that fetches the newest release of
//! a package or image at each start. What the keys, paths and launchers are is data
//! (`rules/agent-settings.toml`, [`crate::spec::agent_settings`]).

mod launch;
mod tree;

use crate::finding::Hit;
use crate::project::{Ecosystem, LazyProject};
use crate::source::Source;
use crate::spec::agent_settings::{AgentSettings, Check, McpServers, Registry, ToolSettings};
use launch::Word;
use std::collections::BTreeSet;
use tree::Node;

pub fn run(
    source: &Source,
    project: &LazyProject,
    spec: &AgentSettings,
    enabled: &BTreeSet<&'static str>,
    out: &mut Vec<Hit>,
) {
    let path = source.display_path.replace('\\', "/");
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let tools: Vec<&ToolSettings> = spec
        .tools
        .iter()
        .filter(|t| enabled.contains(t.rule_id) && t.files.is_match(&path))
        .collect();
    let mcp = spec.mcp.as_ref().filter(|m| {
        enabled.contains(m.rule_id)
            && m.extensions.contains(&extension)
            && m.server_maps.iter().any(|map| {
                map.key
                    .iter()
                    .any(|k| k != "*" && source.text.contains(k.as_str()))
            })
    });
    if tools.is_empty() && mcp.is_none() {
        return;
    }
    let doc = if extension == "toml" {
        tree::parse_toml(&source.text)
    } else {
        tree::parse_json(&source.text)
    };
    let Some(doc) = doc else {
        return;
    };
    for tool in tools {
        for check in &tool.checks {
            approval_off(tool, check, &doc, out);
        }
    }
    if let Some(mcp) = mcp {
        unpinned_servers(mcp, spec, project, &path, &doc, out);
    }
}

/// AIG904: every place the check's key holds one of its values.
fn approval_off(tool: &ToolSettings, check: &Check, doc: &Node, out: &mut Vec<Hit>) {
    for (node, parent, name) in doc.at(&check.key) {
        if !check.names.is_empty() && !check.names.iter().any(|n| n == name) {
            continue;
        }
        let (Some(value), Some(span)) = (node.text(), node.span()) else {
            continue;
        };
        if !check.value_matches(value) {
            continue;
        }
        let sibling_holds = |(key, values): &(String, Vec<String>)| {
            parent
                .and_then(|p| p.get(key))
                .and_then(Node::text)
                .is_some_and(|v| values.iter().any(|x| x == v))
        };
        if !check.with.as_ref().is_none_or(sibling_holds) {
            continue;
        }
        let message = check
            .message
            .replace("{tool}", &tool.tool)
            .replace("{key}", name)
            .replace("{value}", value);
        out.push(Hit::new(tool.rule_id, span, message));
    }
}

/// AIG905: each server of the file's server maps whose command line fetches an unpinned package.
fn unpinned_servers(
    mcp: &McpServers,
    spec: &AgentSettings,
    project: &LazyProject,
    path: &str,
    doc: &Node,
    out: &mut Vec<Hit>,
) {
    let maps = mcp
        .server_maps
        .iter()
        .filter(|m| m.files.as_ref().is_none_or(|f| f.is_match(path)));
    for map in maps {
        for (map, _, _) in doc.at(&map.key) {
            let Node::Object(servers) = map else {
                continue;
            };
            for server in servers {
                let Some(words) = command_line(mcp, &server.value) else {
                    continue;
                };
                let Some(found) = launch::unpinned(&words, &spec.launchers, &mcp.wrappers) else {
                    continue;
                };
                if own_package(project, &found) {
                    continue;
                }
                let message = mcp
                    .message
                    .replace("{server}", &server.name)
                    .replace("{package}", found.package.text)
                    .replace("{launcher}", &found.launcher);
                out.push(Hit::new(mcp.rule_id, found.package.span, message));
            }
        }
    }
}

/// The repository's own package, started the way its users start it: the config is the
/// package's manifest or the publisher's own setup, and the newest release is the one it means.
fn own_package(project: &LazyProject, found: &launch::Unpinned) -> bool {
    let eco = match found.registry {
        Registry::Npm => Ecosystem::Npm,
        Registry::Pypi => Ecosystem::Python,
        Registry::Docker => return false,
    };
    let name = launch::package_name(found.registry, found.package.text);
    project.get().publishes(eco, name)
}

/// A server's `command` and `args` as words; a command written as one line with no `args` is
/// split at spaces (its words share the command's span).
fn command_line<'a>(mcp: &McpServers, server: &'a Node) -> Option<Vec<Word<'a>>> {
    let command = server.get(&mcp.command)?;
    let (text, span) = (command.text()?, command.span()?);
    let mut words: Vec<Word> = text
        .split_whitespace()
        .map(|w| Word { text: w, span })
        .collect();
    if let Some(Node::Array(args, _)) = server.get(&mcp.args) {
        words.extend(args.iter().filter_map(|a| {
            Some(Word {
                text: a.text()?,
                span: a.span()?,
            })
        }));
    }
    Some(words)
}

#[cfg(test)]
mod tests;
