//! Tidy (as rust-analyzer's): the rules docs/ARCHITECTURE.md writes down, held against
//! the code. The layering table and the unsafe table are read from the document itself,
//! so the document and what is enforced cannot drift apart; a new module, a new edge
//! between modules or a new `unsafe` is a change to that document.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

fn architecture() -> String {
    fs::read_to_string(root().join("docs/ARCHITECTURE.md")).expect("docs/ARCHITECTURE.md")
}

/// The rows of the table between `<!-- tidy:NAME -->` and `<!-- /tidy:NAME -->`: for
/// each row, the backticked names of its first cell and of its second.
fn table(document: &str, name: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let start = format!("<!-- tidy:{name} -->");
    let end = format!("<!-- /tidy:{name} -->");
    let (_, rest) = document
        .split_once(&start)
        .unwrap_or_else(|| panic!("docs/ARCHITECTURE.md has no {start}"));
    let (block, _) = rest
        .split_once(&end)
        .unwrap_or_else(|| panic!("docs/ARCHITECTURE.md has no {end}"));
    block
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().trim_matches('|').split('|').collect();
            let first = backticked(cells.first()?);
            (!first.is_empty()).then(|| (first, cells.get(1).map_or(Vec::new(), |c| backticked(c))))
        })
        .collect()
}

fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The code of a Rust file without comments and string literals, so a word in a doc
/// comment or a message is not mistaken for code.
fn code_of(text: &str) -> String {
    let mut code = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        code.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                code.push_str("\"\"");
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            // A char literal holding a quote ('"') must not open a string.
            '\'' if chars.peek() == Some(&'"') => {
                chars.next();
                code.push_str("'\"");
            }
            _ => code.push(c),
        }
    }
    code
}

fn has_word(code: &str, word: &str) -> bool {
    code.match_indices(word).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// The top-level labnet modules a file's code names: `crate::X` paths, and the
/// modules in `use crate::{X, Y::z}` groups. `crate::Error`/`Result` are `error`'s.
fn modules_used(code: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let before = rest[..at].chars().next_back();
        rest = after;
        // `$crate::` and `labnet_crate::` are not this crate's paths.
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        if let Some(group) = after.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for item in group.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    used.insert(name);
                }
            }
        } else {
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            used.insert(name);
        }
    }
    for root_item in ["Error", "Result"] {
        if used.remove(root_item) {
            used.insert("error".into());
        }
    }
    used
}

/// `capture` for src/capture.rs, `dissect` for src/dissect/tcp.rs.
fn top_module(library: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(library).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib").then(|| name.to_string())
}

#[test]
fn every_module_uses_only_what_its_layer_allows() {
    let rows = table(&architecture(), "layers");
    let mut allowed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (modules, uses) in rows {
        for module in modules {
            allowed.insert(module, uses.iter().cloned().collect());
        }
    }
    let library = root().join("crates/labnet/src");
    let mut problems = Vec::new();
    for file in rust_files(&library) {
        let Some(module) = top_module(&library, &file) else {
            continue;
        };
        let Some(may_use) = allowed.get(&module) else {
            problems.push(format!(
                "module {module} ({}) has no row in the Layers table",
                file.display()
            ));
            continue;
        };
        let code = code_of(&fs::read_to_string(&file).unwrap());
        for used in modules_used(&code) {
            if used != module && !may_use.contains(&used) {
                problems.push(format!(
                    "{} uses crate::{used}, but {module} may use only: {}",
                    file.strip_prefix(root()).unwrap().display(),
                    may_use.iter().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "layering broken (docs/ARCHITECTURE.md, Layers):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_kernel_leaves_never_see_the_lab() {
    // Stated on its own because it is the rule most easily broken by a shortcut.
    let library = root().join("crates/labnet/src");
    for leaf in ["nics", "sockets", "netns", "netlink"] {
        let files: Vec<PathBuf> = rust_files(&library)
            .into_iter()
            .filter(|f| top_module(&library, f).as_deref() == Some(leaf))
            .collect();
        assert!(!files.is_empty(), "{leaf} has files");
        for file in files {
            let code = code_of(&fs::read_to_string(&file).unwrap());
            assert!(
                !modules_used(&code).contains("lab"),
                "{} uses crate::lab: resolve lab host names at the edge (lab::open_netns)",
                file.display()
            );
        }
    }
}

#[test]
fn unsafe_appears_exactly_where_the_table_says() {
    let documented: BTreeSet<String> = table(&architecture(), "unsafe")
        .into_iter()
        .flat_map(|(files, _)| files)
        .collect();
    let root = root();
    let mut found = BTreeSet::new();
    for dir in ["crates", "xtask", "tests"] {
        for file in rust_files(&root.join(dir)) {
            let code = code_of(&fs::read_to_string(&file).unwrap());
            if has_word(&code, "unsafe") {
                found.insert(file.strip_prefix(&root).unwrap().display().to_string());
            }
        }
    }
    let undocumented: Vec<&String> = found.difference(&documented).collect();
    let stale: Vec<&String> = documented.difference(&found).collect();
    assert!(
        undocumented.is_empty(),
        "unsafe outside the documented files (add a row to docs/ARCHITECTURE.md, Unsafe code, or remove it): {undocumented:?}"
    );
    assert!(
        stale.is_empty(),
        "documented as holding unsafe, but they do not: {stale:?}"
    );
}

#[test]
fn binaries_are_thin() {
    let root = root();
    for tool in labnet::tools::TOOLS {
        let crate_dir = root.join("crates").join(tool);
        for file in rust_files(&crate_dir.join("src")) {
            let code = code_of(&fs::read_to_string(&file).unwrap());
            assert!(
                !has_word(&code, "unsafe"),
                "{}: binaries hold no unsafe; it belongs in a documented library module",
                file.display()
            );
        }
        let manifest = fs::read_to_string(crate_dir.join("Cargo.toml")).unwrap();
        let dependencies: Vec<&str> = manifest
            .split("\n[dependencies]\n")
            .nth(1)
            .unwrap_or("")
            .lines()
            .take_while(|l| !l.starts_with('['))
            .filter_map(|l| l.split(['.', ' ', '=']).next())
            .filter(|name| !name.is_empty())
            .collect();
        assert_eq!(
            dependencies,
            ["labnet", "clap"],
            "{tool}: a binary depends on labnet (and clap for its arguments) only"
        );
    }
}

#[test]
fn capture_never_prints_and_present_parses_no_bytes() {
    let library = root().join("crates/labnet/src");
    let capture = code_of(&fs::read_to_string(library.join("capture.rs")).unwrap());
    for printing in [
        "print!",
        "println!",
        "eprint!",
        "eprintln!",
        "dbg!",
        "stdout()",
        "stderr()",
    ] {
        assert!(
            !capture.contains(printing),
            "capture.rs uses {printing}: it returns values and errors; live and the binaries print"
        );
    }
    for file in rust_files(&library.join("present")) {
        let code = code_of(&fs::read_to_string(&file).unwrap());
        for parsing in ["from_be_bytes", "from_le_bytes"] {
            assert!(
                !code.contains(parsing),
                "{} uses {parsing}: printers take fields from dissect",
                file.display()
            );
        }
    }
}

#[test]
fn every_file_the_architecture_names_exists() {
    let root = root();
    let document = architecture();
    let mut missing = Vec::new();
    for name in backticked(&document) {
        // `docs/NAME.md` is a placeholder, not a claim.
        let placeholder = name.split('/').any(|part| {
            let stem = part.split('.').next().unwrap_or(part);
            !stem.is_empty() && stem.chars().all(|c| c.is_ascii_uppercase())
        });
        let looks_like_a_path = name.contains('/')
            && !name.contains(' ')
            && !placeholder
            && [".rs", ".md", ".toml", ".sh"]
                .iter()
                .any(|e| name.ends_with(e));
        if looks_like_a_path && !root.join(&name).exists() {
            missing.push(name);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/ARCHITECTURE.md names files that do not exist: {missing:?}"
    );
}

#[test]
fn the_scanner_sees_code_not_comments_or_strings() {
    // The checks above are only as good as this.
    let code = code_of("// unsafe here\nlet s = \"unsafe { }\"; let q = '\"'; unsafe { f() }\n");
    assert!(has_word(&code, "unsafe"));
    assert_eq!(code.matches("unsafe").count(), 1);
    assert!(!has_word("my_unsafe_name", "unsafe"));
    let used = modules_used(
        "use crate::{error::Result, nics};\nlet x = crate::lab::open();\n$crate::test_name!()",
    );
    assert_eq!(
        used,
        ["error", "lab", "nics"]
            .map(String::from)
            .into_iter()
            .collect()
    );
}
