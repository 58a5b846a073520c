//! The `[inventory]` table: which rules and settings `aiguard inventory` reads.

use serde::Deserialize;

/// What the inventory reads, from the `[inventory]` table of the packs (rules/llm-sdks.toml):
/// which rules judge limits, downloads, tools and secrets, and where calls name their model.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InventorySpec {
    /// Whose findings mark a model call's output-token cap missing (and whose calls it covers).
    pub token_cap_rule: String,
    /// Whose findings mark a model call's timeout missing.
    pub timeout_rule: String,
    /// Whose calls are model and dataset downloads.
    pub download_rule: String,
    /// Whose findings (outside flows) are code-execution tools.
    pub tool_rule: String,
    pub secret_rules: Vec<String>,
    /// Settings that name the model of a call (looked up like any setting).
    pub model_keys: Vec<String>,
    /// Keywords that name the model or dataset of a download.
    pub download_keys: Vec<String>,
    /// Downloads whose model is their second positional argument (the first is a task).
    pub download_model_second: Vec<String>,
    /// The purl type of downloaded models in the ML-BOM (`pkg:huggingface`).
    pub download_purl: String,
}

impl InventorySpec {
    /// The rules the inventory reads.
    pub fn rules(&self) -> impl Iterator<Item = &str> {
        [
            &self.token_cap_rule,
            &self.timeout_rule,
            &self.download_rule,
            &self.tool_rule,
        ]
        .into_iter()
        .chain(&self.secret_rules)
        .map(String::as_str)
    }
}
