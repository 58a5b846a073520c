//! `[[file_role]]` and `[main_guard]` tables: how a file shows it is a test, an example, a
//! benchmark, docs or a developer script, by its path and by what its code does. `src/roles.rs`
//! applies them.

use super::family::{self, Family};
use crate::finding::FileRole;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

/// One way a file shows its role. Every key given must hold; within a list, any entry will do.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFileRole {
    pub(crate) role: String,
    /// Directory names (globs) at any depth of the path below the scanned root.
    #[serde(default)]
    pub(crate) dirs: Vec<String>,
    /// Directory names (globs) of the first directory below the scanned root only.
    #[serde(default)]
    pub(crate) root_dirs: Vec<String>,
    /// File-name globs.
    #[serde(default)]
    pub(crate) files: Vec<String>,
    #[serde(default)]
    pub(crate) languages: Vec<String>,
    /// Modules the file imports (or members of them).
    #[serde(default)]
    pub(crate) imports: Vec<String>,
    /// Globs of the names of functions or methods the file defines.
    #[serde(default)]
    pub(crate) functions: Vec<String>,
    /// Names of functions the file calls in its top-level statements.
    #[serde(default)]
    pub(crate) calls: Vec<String>,
    /// The file runs as a program: a shebang line or a `[main_guard]`.
    #[serde(default)]
    pub(crate) entry_point: bool,
}

/// A top-level `if NAME == "VALUE":` that runs a module only as a program.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MainGuard {
    pub name: String,
    pub value: String,
}

/// A compiled `[[file_role]]`.
#[derive(Debug)]
pub struct RoleRule {
    pub role: FileRole,
    pub dirs: Option<GlobSet>,
    pub root_dirs: Option<GlobSet>,
    pub files: Option<GlobSet>,
    pub families: Vec<Family>,
    pub imports: Vec<String>,
    pub functions: Option<GlobSet>,
    pub calls: Vec<String>,
    pub entry_point: bool,
}

/// Every `[[file_role]]` in pack order (the first that holds gives the role) and the main guard.
#[derive(Debug, Default)]
pub struct FileRoles {
    pub rules: Vec<RoleRule>,
    pub main_guard: Option<MainGuard>,
}

impl FileRoles {
    pub fn compile(raw: Vec<RawFileRole>, guards: Vec<MainGuard>) -> Result<FileRoles, String> {
        if guards.len() > 1 {
            return Err("a second [main_guard] table".into());
        }
        let rules = raw
            .into_iter()
            .map(|r| RoleRule::compile(r).map_err(|e| format!("[[file_role]]: {e}")))
            .collect::<Result<_, _>>()?;
        Ok(FileRoles {
            rules,
            main_guard: guards.into_iter().next(),
        })
    }
}

impl RoleRule {
    fn compile(r: RawFileRole) -> Result<RoleRule, String> {
        let role = FileRole::parse(&r.role)
            .filter(|role| *role != FileRole::Production)
            .ok_or_else(|| format!("unknown role {:?}", r.role))?;
        family::check(&r.languages)?;
        let given = !(r.dirs.is_empty()
            && r.root_dirs.is_empty()
            && r.files.is_empty()
            && r.imports.is_empty()
            && r.functions.is_empty()
            && r.calls.is_empty()
            && !r.entry_point);
        if !given {
            return Err(format!("role {:?} names no path or code to match", r.role));
        }
        Ok(RoleRule {
            role,
            dirs: globs(&r.dirs)?,
            root_dirs: globs(&r.root_dirs)?,
            files: globs(&r.files)?,
            families: r
                .languages
                .iter()
                .filter_map(|l| Family::parse(l))
                .collect(),
            imports: r.imports,
            functions: globs(&r.functions)?,
            calls: r.calls,
            entry_point: r.entry_point,
        })
    }
}

/// Case-insensitive globs over one path component; `None` when there are none.
fn globs(patterns: &[String]) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut set = GlobSetBuilder::new();
    for p in patterns {
        let glob = GlobBuilder::new(p)
            .case_insensitive(true)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("bad glob {p:?}: {e}"))?;
        set.add(glob);
    }
    set.build().map(Some).map_err(|e| e.to_string())
}
