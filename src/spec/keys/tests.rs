#[test]
fn every_table_of_a_pack_is_listed() {
    let listed: Vec<String> = super::tables()
        .iter()
        .map(|(t, _)| t.trim_matches(['[', ']']).to_string())
        .collect();
    for t in super::pack_tables() {
        assert!(
            listed
                .iter()
                .any(|l| l == t || l.starts_with(&format!("{t}."))),
            "table {t} is not in spec::keys::tables()"
        );
    }
    // The probe reads real field names.
    let tables = super::tables();
    let rule = tables.iter().find(|(t, _)| *t == "[[rule]]").unwrap().1;
    assert!(rule.contains(&"id") && rule.contains(&"severity"));
}
