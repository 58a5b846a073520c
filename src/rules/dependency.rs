//! Dependency rules: packages a manifest (`requirements*.txt`, `pyproject.toml`, `package.json`,
//! `Cargo.toml`) declares without pinning one version, where no lockfile of the project pins them
//! either.
//!
//! The packages are data (`[[dependency]]` tables in a pack); reading manifests and lockfiles is
//! [`crate::project`]'s.

use crate::finding::Hit;
use crate::ir::Span;
use crate::project::{self, LazyProject, ManifestKind, Requirement};
use crate::source::Source;
use crate::spec::dependency::DependencyRule;
use std::collections::BTreeSet;
use std::path::Path;

impl DependencyRule {
    fn covers(&self, name: &str) -> bool {
        self.packages.iter().any(|g| g.matches(name))
    }
}

/// Report the unpinned dependencies of a manifest. Libraries (see [`project::Manifest::library`];
/// a Cargo package with a `src/main.rs` or `src/bin/` is an application) are not reported: their
/// ranges are for their users' resolvers. Development, peer and optional dependencies are not
/// reported either. A Cargo `{ workspace = true }` dependency is judged by the workspace root's
/// entry, and reported where the member declares it.
pub fn run(
    source: &Source,
    project: &LazyProject,
    rules: &[DependencyRule],
    enabled: &BTreeSet<&'static str>,
    out: &mut Vec<Hit>,
) {
    let Some(kind) = ManifestKind::of_path(&source.display_path) else {
        return;
    };
    let eco = kind.ecosystem();
    let active: Vec<&DependencyRule> = rules
        .iter()
        .filter(|r| r.ecosystem == eco && enabled.contains(r.rule_id))
        .collect();
    if active.is_empty() {
        return;
    }
    let path = Path::new(&source.display_path);
    let manifest = project::parse_manifest(kind, &source.text);
    if manifest.library && !(manifest.auto_bins && project::cargo_auto_bin(path)) {
        return;
    }
    for dep in &manifest.deps {
        if !dep.runtime {
            continue;
        }
        let (name, requirement, spec) = if dep.inherited {
            match project.get().cargo_workspace_dep(&dep.name) {
                Some(ws) => (
                    ws.name.clone(),
                    ws.requirement.clone(),
                    format!("{} (workspace: {})", dep.spec, ws.spec),
                ),
                // No workspace root in reach: nothing to judge.
                None => continue,
            }
        } else {
            (dep.name.clone(), dep.requirement.clone(), dep.spec.clone())
        };
        if !matches!(requirement, Requirement::Any | Requirement::AtLeast(_)) {
            continue;
        }
        let Some(rule) = active.iter().find(|r| r.covers(&name)) else {
            continue;
        };
        if project.get().locked(eco, &name) {
            continue;
        }
        out.push(Hit::new(
            rule.rule_id,
            Span::new(dep.span.start, dep.span.end),
            rule.message
                .replace("{spec}", &spec)
                .replace("{name}", &name),
        ));
    }
}
