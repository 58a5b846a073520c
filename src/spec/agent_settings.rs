//! Settings of coding agents and MCP clients (AIG904, AIG905): which files are which tool's
//! settings and which of their keys switch approval off (`[[agent_settings]]`), where MCP client
//! configs keep their servers (`[mcp_servers]`), and which launchers fetch a server's package
//! when it starts (`[[mcp_launcher]]`). `rules/agent_settings/` reads the files.

use super::glob::Glob;
use super::rule::RuleMeta;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

/// One tool's settings files and the keys of them that switch approval off.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAgentSettings {
    pub(crate) rule: String,
    /// The tool, for messages.
    pub(crate) tool: String,
    /// Path globs of the tool's settings files (`**/.claude/settings.json`).
    pub(crate) files: Vec<String>,
    pub(crate) check: Vec<RawCheck>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    /// The key's path from the document root, one entry per key (`["permissions", "allow"]`; a
    /// dotted VS Code setting is one key). `*` is any key of an object or any element of an array.
    pub(crate) key: Vec<String>,
    /// The values that switch approval off (`true` for a boolean).
    #[serde(default)]
    pub(crate) values: Vec<String>,
    /// The same, as `*` wildcards (`*shell*`).
    #[serde(default)]
    pub(crate) value_globs: Vec<String>,
    /// When the key's last step is `*` on an object: the names it must have (`/.*/`).
    #[serde(default)]
    pub(crate) names: Vec<String>,
    /// A key of the same object that must hold one of its values too (Codex: no approval only
    /// matters without a sandbox).
    #[serde(default)]
    pub(crate) with: Option<RawSibling>,
    /// `{tool}`, `{key}` (the matched key's name) and `{value}`.
    pub(crate) message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSibling {
    pub(crate) key: String,
    pub(crate) values: Vec<String>,
}

/// Where MCP client configs keep their servers, found by content in any file of the extensions.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMcpServers {
    pub(crate) rule: String,
    /// Extensions (lowercase, no dot) of the files read.
    pub(crate) extensions: Vec<String>,
    /// The objects that map server names to servers. A map counts only where its entries start
    /// a program (`command`).
    pub(crate) server_maps: Vec<RawServerMap>,
    /// A server's key holding the program it starts (`command`).
    pub(crate) command: String,
    /// A server's key holding the program's arguments (`args`).
    pub(crate) args: String,
    /// Programs that only run the next argument (`cmd /c npx ...`).
    #[serde(default)]
    pub(crate) wrappers: Vec<String>,
    /// `{server}`, `{package}`, `{launcher}`.
    pub(crate) message: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServerMap {
    /// The map's path from the document root (`["mcpServers"]`); `*` as in checks.
    pub(crate) key: Vec<String>,
    /// Path globs of the files where a key this common is a server map (`servers` only in an
    /// `mcp.json`); any file when empty.
    #[serde(default)]
    pub(crate) files: Vec<String>,
}

/// A command that fetches and runs a package when the server starts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLauncher {
    /// Program names (`npx`; a path or a `.cmd`/`.exe` suffix is dropped before comparing).
    pub(crate) commands: Vec<String>,
    /// Words that must follow the program (`["dlx"]` for `pnpm dlx`, `["run"]` for `pipx run`).
    #[serde(default)]
    pub(crate) subcommand: Vec<String>,
    /// `npm`, `pypi` or `docker`: how a pinned version is spelled.
    pub(crate) registry: String,
    /// Options whose value is the package (`--from`, `-p`).
    #[serde(default)]
    pub(crate) package_options: Vec<String>,
    /// Options that take a value that is not the package (`--python 3.12`, `-e KEY=v`).
    #[serde(default)]
    pub(crate) value_options: Vec<String>,
}

/// How a launcher's registry spells a pinned version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registry {
    /// `name@1.2.3`.
    Npm,
    /// `name==1.2.3` or `name@1.2.3`.
    Pypi,
    /// `image@sha256:...` or a tag other than `latest`.
    Docker,
}

#[derive(Debug)]
pub struct Check {
    pub key: Vec<String>,
    pub values: Vec<String>,
    pub value_globs: Vec<Glob>,
    pub names: Vec<String>,
    pub with: Option<(String, Vec<String>)>,
    pub message: String,
}

#[derive(Debug)]
pub struct ToolSettings {
    pub rule_id: &'static str,
    pub tool: String,
    pub files: GlobSet,
    pub checks: Vec<Check>,
}

#[derive(Debug)]
pub struct ServerMap {
    pub key: Vec<String>,
    /// `None`: in any file.
    pub files: Option<GlobSet>,
}

#[derive(Debug)]
pub struct McpServers {
    pub rule_id: &'static str,
    pub extensions: Vec<String>,
    pub server_maps: Vec<ServerMap>,
    pub command: String,
    pub args: String,
    pub wrappers: Vec<String>,
    pub message: String,
}

#[derive(Debug)]
pub struct Launcher {
    pub commands: Vec<String>,
    pub subcommand: Vec<String>,
    pub registry: Registry,
    pub package_options: Vec<String>,
    pub value_options: Vec<String>,
}

/// Everything the agent-settings rules read, compiled.
#[derive(Debug, Default)]
pub struct AgentSettings {
    pub tools: Vec<ToolSettings>,
    pub mcp: Option<McpServers>,
    pub launchers: Vec<Launcher>,
}

impl AgentSettings {
    pub fn compile(
        tools: Vec<RawAgentSettings>,
        mcp: Vec<RawMcpServers>,
        launchers: Vec<RawLauncher>,
        rules: &[RuleMeta],
    ) -> Result<Self, String> {
        let rule_id = |id: &str, table: &str| {
            rules
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.id)
                .ok_or_else(|| format!("[{table}] names unknown rule {id}"))
        };
        let mut out = AgentSettings::default();
        for raw in tools {
            let checks = raw
                .check
                .into_iter()
                .map(|c| compile_check(c, &raw.tool))
                .collect::<Result<_, _>>()?;
            out.tools.push(ToolSettings {
                rule_id: rule_id(&raw.rule, "agent_settings")?,
                files: path_globs(&raw.files).map_err(|e| format!("{}: {e}", raw.tool))?,
                tool: raw.tool,
                checks,
            });
        }
        let mut mcp = mcp.into_iter();
        if let Some(raw) = mcp.next() {
            if mcp.next().is_some() {
                return Err("a second [mcp_servers] table".to_string());
            }
            out.mcp = Some(McpServers {
                rule_id: rule_id(&raw.rule, "mcp_servers")?,
                extensions: raw.extensions,
                server_maps: raw
                    .server_maps
                    .into_iter()
                    .map(|m| {
                        let files = match m.files.is_empty() {
                            true => None,
                            false => Some(path_globs(&m.files)?),
                        };
                        Ok(ServerMap { key: m.key, files })
                    })
                    .collect::<Result<_, String>>()?,
                command: raw.command,
                args: raw.args,
                wrappers: raw.wrappers,
                message: raw.message,
            });
        }
        for raw in launchers {
            let registry = match raw.registry.as_str() {
                "npm" => Registry::Npm,
                "pypi" => Registry::Pypi,
                "docker" => Registry::Docker,
                other => {
                    return Err(format!(
                        "[[mcp_launcher]] {:?}: unknown registry {other:?} (npm, pypi or docker)",
                        raw.commands
                    ))
                }
            };
            out.launchers.push(Launcher {
                commands: raw.commands,
                subcommand: raw.subcommand,
                registry,
                package_options: raw.package_options,
                value_options: raw.value_options,
            });
        }
        Ok(out)
    }
}

fn compile_check(raw: RawCheck, tool: &str) -> Result<Check, String> {
    if raw.key.is_empty() {
        return Err(format!("{tool}: a check with an empty key"));
    }
    if raw.values.is_empty() && raw.value_globs.is_empty() {
        return Err(format!("{tool}: check {:?} has no values", raw.key));
    }
    Ok(Check {
        key: raw.key,
        values: raw.values,
        value_globs: raw.value_globs.iter().map(|g| Glob::new(g)).collect(),
        names: raw.names,
        with: raw.with.map(|w| (w.key, w.values)),
        message: raw.message,
    })
}

fn path_globs(patterns: &[String]) -> Result<GlobSet, String> {
    let mut set = GlobSetBuilder::new();
    for p in patterns {
        let glob = GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("bad path glob {p:?}: {e}"))?;
        set.add(glob);
    }
    set.build().map_err(|e| e.to_string())
}

impl Check {
    /// Whether a value (a string's text, or `true`/`false`/a number as written) switches
    /// approval off.
    pub fn value_matches(&self, value: &str) -> bool {
        self.values.iter().any(|v| v == value) || self.value_globs.iter().any(|g| g.matches(value))
    }
}
