use super::Glob;

#[test]
fn glob_matches_wildcards() {
    assert!(Glob::new("torch.load").matches("torch.load"));
    assert!(!Glob::new("torch.load").matches("torch.loads"));
    assert!(Glob::new("*.from_pretrained").matches("transformers.AutoModel.from_pretrained"));
    assert!(!Glob::new("*.from_pretrained").matches("from_pretrained"));
    assert!(Glob::new("transformers.*.from_pretrained").matches("transformers.X.from_pretrained"));
    assert!(Glob::new("*").matches("anything"));
    assert!(Glob::new("a*b*c").matches("abc"));
    assert!(!Glob::new("a*b*c").matches("acb"));
}
