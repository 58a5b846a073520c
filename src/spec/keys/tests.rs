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
    let rule = &super::tables()[0].1;
    assert!(rule.contains(&"id") && rule.contains(&"severity"));
}
