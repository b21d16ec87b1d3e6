//! The module tree as one file, for `include!` from a `build.rs`: each `mod x;` replaced by
//! `mod x { … }` holding that file's items, the whole wrapped in `pub mod generated { … }`
//! (an included file cannot carry the inner attributes a module root has).

use syn::{File, Item, ItemMod};

/// `files` as emitted (`mod.rs`, `client.rs`, `operations/mod.rs`, `operations/x.rs`, …).
pub fn inline(files: Vec<(String, File)>) -> File {
    let mut files = files;
    let root = take(&mut files, "mod.rs").unwrap_or_else(empty);
    let mut module: ItemMod = syn::parse_quote!(
        pub mod generated {}
    );
    module.attrs.extend(root.attrs);
    module.content = Some((Default::default(), fill(root.items, "", &mut files)));
    File { shebang: None, attrs: Vec::new(), items: vec![Item::Mod(module)] }
}

/// Items with each `mod x;` filled from `x.rs` or `x/mod.rs` under `dir`.
fn fill(items: Vec<Item>, dir: &str, files: &mut Vec<(String, File)>) -> Vec<Item> {
    items
        .into_iter()
        .map(|item| match item {
            Item::Mod(mut module) if module.content.is_none() => {
                let name = module.ident.to_string();
                let (file, child_dir) = match take(files, &format!("{dir}{name}.rs")) {
                    Some(file) => (file, format!("{dir}{name}/")),
                    None => {
                        (take(files, &format!("{dir}{name}/mod.rs")).unwrap_or_else(empty), format!("{dir}{name}/"))
                    }
                };
                module.attrs.extend(file.attrs);
                module.content = Some((Default::default(), fill(file.items, &child_dir, files)));
                module.semi = None;
                Item::Mod(module)
            }
            other => other,
        })
        .collect()
}

fn take(files: &mut Vec<(String, File)>, path: &str) -> Option<File> {
    let index = files.iter().position(|(p, _)| p == path)?;
    Some(files.remove(index).1)
}

fn empty() -> File {
    File { shebang: None, attrs: Vec::new(), items: Vec::new() }
}
