//! The keys the loader accepts, read from the format's own serde structs, so the documentation
//! can be checked against them (`tests/docs.rs`): a key added to a table and not documented in
//! `docs/rule-packs.md` fails the build's tests.

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};

/// The field names serde's derive gives a struct, read by asking it to deserialize itself from a
/// probe that records them and stops.
pub fn fields_of<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut fields = None;
    let _ = T::deserialize(Probe(&mut fields));
    fields.unwrap_or(&[])
}

struct Probe<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for Probe<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("probe"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        Err(de::Error::custom("probe"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// Every table of a pack, as written in TOML (`[[sink.calls]]`, `[inventory]`), with the keys
/// its struct accepts. The top level of a pack is checked against this list by a test, so a new
/// table cannot be left out.
pub fn tables() -> Vec<(&'static str, &'static [&'static str])> {
    use super::*;
    vec![
        ("[[call_set]]", callsets::KEYS),
        ("[[condition_set]]", callsets::CONDITION_SET_KEYS),
        ("[[rule]]", fields_of::<rule::RawRule>()),
        ("[[pattern]]", fields_of::<pattern::RawPattern>()),
        ("conditions", fields_of::<condition::RawCondition>()),
        ("[inventory]", fields_of::<inventory::InventorySpec>()),
        ("[[fix]]", fields_of::<fixes::RawFix>()),
        ("[[loop]]", fields_of::<loops::RawLoop>()),
        ("[[dependency]]", fields_of::<dependency::RawDependency>()),
        (
            "[[agent_settings]]",
            fields_of::<agent_settings::RawAgentSettings>(),
        ),
        (
            "[[agent_settings.check]]",
            fields_of::<agent_settings::RawCheck>(),
        ),
        (
            "[mcp_servers]",
            fields_of::<agent_settings::RawMcpServers>(),
        ),
        (
            "[[mcp_launcher]]",
            fields_of::<agent_settings::RawLauncher>(),
        ),
        ("[[fact]]", fields_of::<facts::RawFact>()),
        ("[[secret]]", fields_of::<secrets::RawSecret>()),
        ("[secret_names]", fields_of::<secrets::RawNames>()),
        ("[secret_filters]", fields_of::<secrets::Filters>()),
        ("[[flow]]", fields_of::<flow::RawFlow>()),
        ("[[source]]", fields_of::<flow::RawSource>()),
        ("[[sink.calls]]", fields_of::<sinks::RawCallSink>()),
        ("[[sink.properties]]", fields_of::<sinks::RawPropertySink>()),
        ("[[sink.keys]]", fields_of::<sinks::RawKeySink>()),
        ("[[sink.names]]", fields_of::<sinks::RawNameSink>()),
        ("[[sink.methods]]", fields_of::<sinks::RawMethodSink>()),
        ("[[sink.returns]]", fields_of::<sinks::RawReturnSink>()),
        ("[[sink.splats]]", fields_of::<sinks::RawSplatSink>()),
        ("[[sink.branches]]", fields_of::<sinks::RawBranchSink>()),
        ("[[sanitizer]]", fields_of::<flow::RawSanitizer>()),
        ("[[propagator]]", fields_of::<flow::RawPropagator>()),
        ("[[roles]]", fields_of::<flow::RawRoles>()),
        ("[[names]]", fields_of::<names::RawNames>()),
        ("[[name_lookups]]", fields_of::<names::RawNameLookup>()),
        ("[[sink_kind]]", fields_of::<flow::RawSinkKind>()),
        ("[[file_role]]", fields_of::<roles::RawFileRole>()),
        ("[main_guard]", fields_of::<roles::MainGuard>()),
        ("[[exits]]", fields_of::<flow::RawExits>()),
        ("[[assertions]]", fields_of::<flow::RawAssertions>()),
        (
            "[[method_dispatch]]",
            fields_of::<flow::RawMethodDispatch>(),
        ),
        ("[[forwarder]]", fields_of::<flow::RawForwarder>()),
        ("[[state_hook]]", fields_of::<flow::RawStateHook>()),
        ("[workflows]", fields_of::<workflows::WorkflowSettings>()),
        ("[[agent_action]]", fields_of::<workflows::AgentAction>()),
        ("[[agent_cli]]", fields_of::<workflows::AgentCli>()),
        ("[[route_guard]]", fields_of::<flow::RawRouteGuard>()),
        ("[[sink_gate]]", fields_of::<flow::RawSinkGate>()),
        ("[agent_text]", fields_of::<agent_text::RawAgentText>()),
        ("[[hidden_text]]", fields_of::<agent_text::RawHiddenText>()),
        (
            "[tool_injection]",
            fields_of::<agent_text::RawToolInjection>(),
        ),
    ]
}

/// The top-level keys of a pack: its table names.
pub fn pack_tables() -> &'static [&'static str] {
    fields_of::<super::registry::RawPack>()
}

#[cfg(test)]
mod tests;
