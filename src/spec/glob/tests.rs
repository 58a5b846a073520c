use super::{last_segment, Glob};

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

#[test]
fn last_segments() {
    assert_eq!(
        last_segment("openai.OpenAI().chat.completions.create"),
        "create"
    );
    assert_eq!(last_segment("langchain_openai.ChatOpenAI"), "ChatOpenAI");
    assert_eq!(last_segment("openai.OpenAI()"), "OpenAI");
    assert_eq!(last_segment("eval"), "eval");
    assert_eq!(last_segment("*.query"), "query");
    assert_eq!(last_segment("langchain.*"), "*");
}
