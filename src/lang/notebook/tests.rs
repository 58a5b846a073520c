use super::*;

fn cells(nb: &Notebook) -> Vec<(u32, u32)> {
    nb.cell_of_line.iter().map(|c| (c.cell, c.line)).collect()
}

/// The text at a JSON position (line, column) of `raw`, up to the end of the string.
fn at(raw: &str, (line, col): (u32, u32)) -> String {
    let l = raw.lines().nth(line as usize - 1).unwrap();
    l.chars().skip(col as usize).collect::<String>()
}

const PRETTY: &str = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "# Title\n",
    "print(\"no\")"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "import os\n"
     ]
    }
   ],
   "source": [
    "import os\n",
    "key = \"é\"  # ünï\n",
    "!pip install openai\n",
    "%matplotlib inline\n",
    "os.environ?"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": "x = 1\n\ty = 2"
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;

#[test]
fn list_and_string_sources_with_markdown_counted() {
    let nb = extract(PRETTY).unwrap();
    assert_eq!(
            nb.code,
            "import os\nkey = \"é\"  # ünï\n#pip install openai\n#matplotlib inline\n#s.environ?\nx = 1\n\ty = 2"
        );
    assert_eq!(
        cells(&nb),
        [(2, 1), (2, 2), (2, 3), (2, 4), (2, 5), (3, 1), (3, 2)]
    );
}

#[test]
fn positions_point_into_the_json() {
    let nb = extract(PRETTY).unwrap();
    let pos = &nb.json_pos_of_line;
    assert_eq!(pos.len(), 7);
    // Not the identical string in the outputs, which come first.
    assert_eq!(pos[0], (25, 5));
    assert_eq!(at(PRETTY, pos[0]), "import os\\n\",");
    assert_eq!(at(PRETTY, pos[1]), "key = \\\"é\\\"  # ünï\\n\",");
    assert_eq!(at(PRETTY, pos[4]), "os.environ?\"");
    // A string source: later lines sit after the `\n` escapes on the same JSON line.
    assert_eq!(at(PRETTY, pos[5]), "x = 1\\n\\ty = 2\"");
    assert_eq!(at(PRETTY, pos[6]), "\\ty = 2\"");
}

#[test]
fn ascii_escaped_writer_positions() {
    let raw =
        "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"s = '\\u00e9'\\n\", \"t = 1\"]}]}";
    let nb = extract(raw).unwrap();
    assert_eq!(nb.code, "s = 'é'\nt = 1");
    assert_eq!(at(raw, nb.json_pos_of_line[1]), "t = 1\"]}]}");
}

#[test]
fn magics() {
    let raw = r#"{"cells": [
 {"cell_type": "code", "source": "%%bash\necho hi\n\nls"},
 {"cell_type": "code", "source": "%%time\nx = f()"},
 {"cell_type": "code", "source": "if a:\n    !ls\nhelp?\n# really?\ny = 1"}
]}"#;
    let nb = extract(raw).unwrap();
    assert_eq!(
        nb.code,
        "#%bash\n#cho hi\n\n#s\n#%time\nx = f()\nif a:\n    #ls\n#elp?\n# really?\ny = 1"
    );
    let lines: Vec<&str> = nb.code.split('\n').collect();
    assert_eq!(lines.len(), nb.cell_of_line.len());
    assert_eq!(lines.len(), nb.json_pos_of_line.len());
    assert!(!crate::lang::python::lower(&nb.code).has_errors);
}

#[test]
fn nbformat_3_worksheets() {
    let raw = r#"{"worksheets": [{"cells": [
 {"cell_type": "heading", "source": ["T"]},
 {"cell_type": "code", "input": ["a = 1\n", "b = 2\n"]}
]}], "nbformat": 3}"#;
    let nb = extract(raw).unwrap();
    assert_eq!(nb.code, "a = 1\nb = 2\n");
    assert_eq!(cells(&nb), [(2, 1), (2, 2), (2, 3)]);
    assert_eq!(at(raw, nb.json_pos_of_line[1]), "b = 2\\n\"]}");
}

#[test]
fn invalid_and_empty() {
    assert!(extract("{not json").is_err());
    assert!(extract("[1, 2]").is_err());
    assert!(extract(r#"{"metadata": {}}"#).is_err());
    assert!(extract(r#"{"cells": 3}"#).is_err());
    let nb = extract(r#"{"cells": []}"#).unwrap();
    assert!(nb.code.is_empty() && nb.cell_of_line.is_empty());
    // An empty code cell still occupies one (empty) line.
    let nb = extract(r#"{"cells": [{"cell_type": "code", "source": []}, {"cell_type": "code"}]}"#)
        .unwrap();
    assert_eq!(nb.code, "\n");
    assert_eq!(cells(&nb), [(1, 1), (2, 1)]);
    assert_eq!(nb.json_pos_of_line, [(0, 0), (0, 0)]);
}
