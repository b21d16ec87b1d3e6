//! The generated code and the API surface print the same decisions of the model: every public
//! struct field, enum variant, `Client` method argument and builder setter the code declares is
//! in the surface with the same name and type, and the surface names nothing the code lacks.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use openapi_clientgen::model::{build, Options};
use openapi_clientgen::spec::Spec;
use quote::ToTokens;
use support::workspace;

const SPECS: &[&str] = &[
    "xtask/tests/fixtures/constructs.yaml",
    "xtask/tests/fixtures/models.yaml",
    "xtask/tests/fixtures/operations.yaml",
    "xtask/tests/fixtures/pagination.yaml",
    "xtask/tests/fixtures/petstore.yaml",
    "specs/microcms/openapi.yaml",
    "specs/posteverywhere/openapi.yaml",
    "specs/utage/openapi.yaml",
];

#[test]
fn generated_code_and_surface_name_the_same_things() {
    for spec in SPECS {
        let path = workspace().join(spec);
        let spec_doc = Spec::load(&path).unwrap_or_else(|e| panic!("{spec}: {e}"));
        let api = build(&spec_doc, &Options { source: (*spec).to_owned(), ..Options::default() })
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
        let surface = openapi_clientgen::surface::render(&api);
        let files = openapi_clientgen::emit::emit(&api, &openapi_clientgen::Settings::default())
            .unwrap_or_else(|e| panic!("{spec}: {e}"));
        let parsed: Vec<syn::File> = files
            .iter()
            .map(|file| syn::parse_file(&file.contents).unwrap_or_else(|e| panic!("{spec} {}: {e}", file.path)))
            .collect();
        let mut from_code = BTreeSet::new();
        collect(&parsed, &mut from_code);
        // Success enums are named by the code only; the surface lists their variants per operation.
        let from_code: BTreeSet<String> = from_code
            .into_iter()
            .map(|fact| match fact.strip_prefix("success variant ") {
                Some(rest) => format!("success variant ?.{}", rest.split_once('.').map_or(rest, |(_, v)| v)),
                None => fact,
            })
            .collect();
        let from_surface = surface_names(&surface);
        let missing: Vec<_> = from_code.difference(&from_surface).collect();
        let extra: Vec<_> = from_surface.difference(&from_code).collect();
        assert!(missing.is_empty(), "{spec}: in the code but not in the surface: {missing:#?}");
        assert!(extra.is_empty(), "{spec}: in the surface but not in the code: {extra:#?}");
    }
}

/// A type as text without spaces or the module paths the surface leaves out.
fn normalise(ty: &str) -> String {
    // Token text may keep a trailing comma inside generics (`Result<A, B,>`).
    let compact: String = ty.chars().filter(|c| !c.is_whitespace()).collect::<String>().replace(",>", ">");
    ["types::", "serde_json::", "client_runtime::", "operations::", "std::collections::"]
        .iter()
        .fold(compact, |text, prefix| text.replace(prefix, ""))
}

fn text(tokens: &impl ToTokens) -> String {
    normalise(&tokens.to_token_stream().to_string())
}

/// What the generated code declares, keyed by the `Client` method of each operation:
/// `field S.f: T`, `variant E.V`, `arg op(a, b)`, `setter op.p`, `success op: T`, `error op.V`.
fn collect(files: &[syn::File], out: &mut BTreeSet<String>) {
    let items: Vec<&syn::Item> = files.iter().flat_map(|f| &f.items).collect();
    // `XRequest` → `op`, from `Client::op(&self, …) -> operations::XRequest`.
    let mut request_op = BTreeMap::new();
    for imp in items.iter().filter_map(|i| as_impl(i)).filter(|i| text(&i.self_ty) == "Client") {
        for f in methods(imp) {
            let name = f.sig.ident.to_string();
            if let syn::ReturnType::Type(_, ty) = &f.sig.output {
                request_op.insert(text(ty), name.clone());
            }
            if !matches!(name.as_str(), "builder" | "transport") {
                out.insert(format!("arg {name}({})", arg_names(f).join(", ")));
            }
        }
    }
    let mut error_op = BTreeMap::new();
    for imp in items.iter().filter_map(|i| as_impl(i)) {
        let Some(op) = request_op.get(&text(&imp.self_ty)) else { continue };
        for f in methods(imp) {
            let name = f.sig.ident.to_string();
            if name == "send" {
                // `ResponseFuture<T, XError>`: the error type is one name, so the last comma.
                let ret = match &f.sig.output {
                    syn::ReturnType::Type(_, ty) => text(ty),
                    syn::ReturnType::Default => String::new(),
                };
                let inner = ret.strip_prefix("ResponseFuture<").and_then(|r| r.strip_suffix('>')).unwrap_or_default();
                if let Some((ok, error)) = inner.rsplit_once(',') {
                    out.insert(format!("success {op}: {ok}"));
                    error_op.insert(error.to_owned(), op.clone());
                }
            } else if is_setter(f) {
                out.insert(format!("setter {op}.{name}"));
            }
        }
    }
    for item in &items {
        match item {
            syn::Item::Struct(s) => {
                for field in &s.fields {
                    if let (Some(name), syn::Visibility::Public(_)) = (&field.ident, &field.vis) {
                        out.insert(format!("field {}.{}: {}", s.ident, name, text(&field.ty)));
                    }
                }
            }
            syn::Item::Enum(e) => {
                let owner = e.ident.to_string();
                for v in &e.variants {
                    match error_op.get(&owner) {
                        Some(op) => out.insert(format!("error {op}.{}", v.ident)),
                        None if owner.ends_with("Success") => {
                            out.insert(format!("success variant {owner}.{}", v.ident))
                        }
                        None => out.insert(format!("variant {owner}.{}", v.ident)),
                    };
                }
            }
            _ => {}
        }
    }
}

fn as_impl(item: &syn::Item) -> Option<&syn::ItemImpl> {
    match item {
        syn::Item::Impl(imp) if imp.trait_.is_none() => Some(imp),
        _ => None,
    }
}

fn methods(imp: &syn::ItemImpl) -> impl Iterator<Item = &syn::ImplItemFn> {
    imp.items.iter().filter_map(|item| match item {
        syn::ImplItem::Fn(f) if matches!(f.vis, syn::Visibility::Public(_)) => Some(f),
        _ => None,
    })
}

fn arg_names(f: &syn::ImplItemFn) -> Vec<String> {
    f.sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Typed(t) => Some(t.pat.to_token_stream().to_string()),
            syn::FnArg::Receiver(_) => None,
        })
        .collect()
}

/// A parameter's setter: `fn p(mut self, value: impl …)` (`set_p` takes an `Option`, `body` is
/// the body's).
fn is_setter(f: &syn::ImplItemFn) -> bool {
    let value_type = f.sig.inputs.iter().find_map(|arg| match arg {
        syn::FnArg::Typed(t) if t.pat.to_token_stream().to_string() == "value" => Some(text(&t.ty)),
        _ => None,
    });
    f.sig.ident != "body" && value_type.is_some_and(|ty| ty.starts_with("impl"))
}

/// Splits at `", "` outside angle brackets (`a: String, b: BTreeMap<String, i64>`).
fn split_args(args: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in args.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => {
                out.push(args[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if !args[start..].trim().is_empty() {
        out.push(args[start..].trim());
    }
    out
}

/// The same facts, read from the surface text.
fn surface_names(surface: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    // `op x body: XForm multipart required` names the form whose fields follow.
    let mut forms = BTreeMap::new();
    for line in surface.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["type", ty, "field", name, rest @ ..] => {
                let ty_words: Vec<&str> =
                    rest.iter().take_while(|w| !w.starts_with("wire=") && **w != "flatten").copied().collect();
                out.insert(format!("field {ty}.{}: {}", name.trim_end_matches(':'), normalise(&ty_words.join(" "))));
            }
            ["type", ty, "enum" | "union", "variant", variant, ..] => {
                out.insert(format!("variant {ty}.{}", variant.split('(').next().unwrap_or(variant)));
            }
            ["op", op, "param", name, ..] => {
                out.insert(format!("setter {op}.{}", name.trim_end_matches(':')));
            }
            ["op", op, "body:", form, "multipart" | "form-urlencoded", ..] => {
                forms.insert((*op).to_owned(), (*form).to_owned());
            }
            ["op", op, "form", "field", name, rest @ ..] => {
                let ty_words: Vec<&str> = rest.iter().take_while(|w| !w.starts_with("wire=")).copied().collect();
                let form = forms.get(*op).cloned().unwrap_or_default();
                out.insert(format!("field {form}.{}: {}", name.trim_end_matches(':'), normalise(&ty_words.join(" "))));
            }
            ["op", op, "error", _status, variant] => {
                out.insert(format!("error {op}.{}", variant.split('(').next().unwrap_or(variant)));
            }
            ["op", _, "success", _status, variant] => {
                // Success enums are named after the operation's type stem, read from its head line.
                out.insert(format!("success variant ?.{}", variant.split('(').next().unwrap_or(variant)));
            }
            ["op", ..] => {
                if let Some(head) = line.strip_prefix("op ").filter(|h| h.contains(" -> ")) {
                    operation_head(head, &mut out);
                }
            }
            _ => {}
        }
    }
    out
}

/// `name(a: A, b: B): GET /path (opId) -> T`.
fn operation_head(head: &str, out: &mut BTreeSet<String>) {
    let name_end = head.find(['(', ':']).unwrap_or(head.len());
    let name = &head[..name_end];
    let args = match head[name_end..].strip_prefix('(') {
        Some(rest) => &rest[..rest.find("): ").unwrap_or(rest.len())],
        None => "",
    };
    let names: Vec<&str> = split_args(args).into_iter().map(|a| a.split(':').next().unwrap_or(a)).collect();
    out.insert(format!("arg {name}({})", names.join(", ")));
    if let Some((_, ok)) = head.rsplit_once(" -> ") {
        out.insert(format!("success {name}: {}", normalise(ok)));
    }
}
