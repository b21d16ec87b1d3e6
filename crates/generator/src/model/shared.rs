//! Shapes written out inline in several places — the same `direction: asc|desc` enum on forty
//! list operations, one `{total_count, labels}` response for eight — are defined once, and that
//! one definition is named for what its uses have in common, never after whichever use the spec
//! happened to list first.
//!
//! While the model is built, a shape met again becomes an alias of its first definition
//! ([`TypeBuilder::define_inline`]); each use keeps its own name (`ReposListForOrgDirection`) as
//! an alias, so code written against any of them compiles. Once every use is known,
//! [`TypeBuilder::name_shared_shapes`] names each shape used twice or more:
//!
//! 1. **The slot's name.** A use sits in a slot: a parameter (`direction`), a property below a
//!    body, response or component (`visibility`, `links` `self` → `LinksSelf`), or the body or
//!    response itself, which names nothing. The name the most uses give (ties: the first
//!    alphabetically) is the shape's: `Direction`, `Sort`, `WorkflowId`.
//! 2. **Qualified when contested.** When that name is already a type (a component, another
//!    use's name) or two different shapes want it (`sort` of repositories and of issues), none
//!    of them gets it bare: each is prefixed with the words all its operations' names have, in
//!    order (`ReposListForOrg`, `ReposListForUser` → `ReposListSort`), when there are two or more.
//! 3. **Bodies and responses** name no slot: they take those common words, two or more, and
//!    the part they are (`ActionsListSelfHostedRunnersForOrg` and `…ForRepo` →
//!    `ActionsListSelfHostedRunnersResponse`; `ActionsListRepoSecrets`, `AgentsListRepoSecrets`
//!    and `ActionsListEnvironmentSecrets` → `ListSecretsResponse`).
//! 4. **Otherwise** the alphabetically first of the uses' own names: stable when operations are
//!    added or moved elsewhere in the spec, unlike the order the spec lists them in.
//!
//! A name depends only on the shape's own uses and on which other shapes want the same name, so
//! an edit elsewhere in a spec renames nothing unless it adds a contender for the same name.

use std::collections::{BTreeMap, BTreeSet};

use super::naming::{type_ident, unique};
use super::types::{alias, TypeBuilder};
use super::{Access, Operation, RequestBody, ResponseBody, RustType, TypeDef, TypeKind, TypeRef};
use crate::spec::Pointer;

/// The unit inline definitions are being made for (an operation's type stem or a component's
/// name) and the name of the slot being built: a parameter's or form field's name follows the
/// stem; a body's or response's own hint, or a component's name, is a root that names nothing.
#[derive(Clone, Debug, Default)]
pub(super) struct Site {
    owner: String,
    root: String,
}

/// One inline definition: the name it took, the hint it was asked for, where, and the shape's
/// definition it uses (itself, or the first definition of an identical shape).
#[derive(Clone, Debug)]
pub(super) struct Use {
    name: String,
    hint: String,
    site: Site,
    shape_of: String,
}

/// Words that join a name to what follows, left out at the ends of a common part (`…ForOrg`
/// and `…ForRepo` have `…For` in common, which says nothing).
const JOINERS: &[&str] = &["And", "At", "By", "For", "From", "In", "Of", "On", "Or", "To", "With"];

impl TypeBuilder<'_> {
    /// Definitions made from now on are for `owner`, in the slot whose hint is `root`.
    pub fn enter(&mut self, owner: &str, root: &str) {
        self.site = Site { owner: owner.to_owned(), root: root.to_owned() };
    }

    /// Registers an inline definition named after `hint`. A shape already defined (specs that
    /// inline the same `links: {self: {href}}` object in every response) is not defined again:
    /// the name becomes an alias of the first definition, and the type used is that first one,
    /// so the objects that contain it are alike too. Akeneo's 1,690 types are 618 shapes.
    pub(super) fn define_inline(
        &mut self,
        hint: &str,
        at: &Pointer,
        description: Option<String>,
        kind: TypeKind,
    ) -> TypeRef {
        let name = unique(hint.to_owned(), &mut self.taken);
        let shape = format!("{kind:?}");
        let (kind, used, new_shape) = match self.shapes.get(&shape) {
            Some(first) => (alias(TypeRef::Named(first.clone())), first.clone(), None),
            None => {
                self.shapes.insert(shape.clone(), name.clone());
                (kind, name.clone(), Some(shape))
            }
        };
        self.journal.push((name.clone(), new_shape));
        let site = self.site.clone();
        self.uses.push(Use { name: name.clone(), hint: hint.to_owned(), site, shape_of: used.clone() });
        let def = TypeDef { name: name.clone(), schema: at.to_string(), features: Vec::new(), description, kind };
        self.defs.insert(name, def);
        TypeRef::Named(used)
    }

    /// Names every inline shape used more than once for its uses (see the module docs) and
    /// renames it in the definitions and in `operations`.
    pub fn name_shared_shapes(&mut self, operations: &mut [Operation]) {
        let mut groups: BTreeMap<&str, Vec<&Use>> = BTreeMap::new();
        for u in &self.uses {
            groups.entry(u.shape_of.as_str()).or_default().push(u);
        }
        // A shape first defined by a component keeps the component's name.
        let defined_inline: BTreeSet<&str> = self.uses.iter().map(|u| u.name.as_str()).collect();
        groups.retain(|first, uses| uses.len() > 1 && defined_inline.contains(first));
        let stems: BTreeSet<&str> = operations.iter().map(|op| op.type_stem.as_str()).collect();
        let wants: BTreeMap<&str, Want> = groups.iter().map(|(first, uses)| (*first, want(uses, &stems))).collect();
        let names = allocate(&wants, &self.taken);
        let renames: BTreeMap<String, String> =
            names.into_iter().filter(|(first, name)| first != name).map(|(f, n)| (f.to_owned(), n)).collect();
        let uses: BTreeMap<String, BTreeSet<String>> =
            wants.into_iter().map(|(first, want)| (first.to_owned(), want.own)).collect();
        for (first, name) in &renames {
            self.move_definition(first, name, uses.get(first).into_iter().flatten());
        }
        for def in self.defs.values_mut() {
            rename_kind(&mut def.kind, &renames);
        }
        for op in operations {
            rename_operation(op, &renames);
        }
    }

    /// Puts the definition of `first` under `name` (a new name, or another use's, which was an
    /// alias) and leaves `first` an alias of it. Its docs come from `uses` in alphabetical order
    /// (the schema of the first, the first description any has), not from whichever use the spec
    /// happened to list first.
    fn move_definition<'u>(&mut self, first: &str, name: &str, uses: impl Iterator<Item = &'u String> + Clone) {
        let docs = |use_name: &String| self.defs.get(use_name.as_str());
        let schema = uses.clone().find_map(docs).map(|d| d.schema.clone());
        let description = uses.filter_map(docs).find_map(|d| d.description.clone());
        let Some(def) = self.defs.get_mut(first) else { return };
        let kind = std::mem::replace(&mut def.kind, alias(TypeRef::Named(name.to_owned())));
        let schema = schema.unwrap_or_else(|| def.schema.clone());
        self.taken.insert(name.to_owned());
        let moved = TypeDef { name: name.to_owned(), schema, features: Vec::new(), description, kind };
        self.defs.insert(name.to_owned(), moved);
    }
}

/// What a shape would be called, before other shapes' wishes are known.
struct Want {
    /// The bare name its uses give it (`Direction`), or, for a body or response, what its
    /// operations have in common (`ActionsListSecretsResponse`).
    first_choice: Option<String>,
    /// When `first_choice` is contested: it prefixed with what the operations have in common.
    qualified: Option<String>,
    /// The alphabetically first use's own name: always free, since that use took it.
    fallback: String,
    /// The uses' own names, free for it to take whatever the rule that picks them.
    own: BTreeSet<String>,
}

/// `stems`: every operation's type stem. Common words that spell one (`OrgsListMembers` and
/// `OrgsListOutsideCollaborators` have `OrgsList`) would read as that operation's type, which
/// may not use the shape at all: such words do not name it.
fn want(uses: &[&Use], stems: &BTreeSet<&str>) -> Want {
    let own: BTreeSet<String> = uses.iter().map(|u| u.name.clone()).collect();
    let fallback = own.first().cloned().unwrap_or_default();
    let owners: Vec<&str> = uses.iter().map(|u| u.site.owner.as_str()).collect();
    let mut common = common_words(&owners);
    let spelled = common.concat();
    if stems.contains(spelled.as_str()) && !owners.contains(&spelled.as_str()) {
        common.clear();
    }
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for u in uses {
        if let Some(slot) = slot_name(u) {
            *counts.entry(slot).or_default() += 1;
        }
    }
    // The most common slot name; among equals, the first alphabetically (a BTreeMap's order).
    let slot = counts.iter().fold(None, |best: Option<(&String, usize)>, (name, &n)| match best {
        Some((_, most)) if most >= n => best,
        _ => Some((name, n)),
    });
    if let Some((slot, _)) = slot {
        let qualified = (common.len() >= 2).then(|| type_ident(&format!("{}{slot}", common.concat())));
        return Want { first_choice: Some(type_ident(slot)), qualified, fallback, own };
    }
    // A body or response: named after its operations when they have enough in common and the
    // uses are the same part of them (all bodies, all `Ok` responses, all their list items).
    let roles: BTreeSet<&str> = uses.iter().map(|u| u.hint.strip_prefix(&u.site.owner).unwrap_or(&u.hint)).collect();
    let first_choice = match (roles.into_iter().collect::<Vec<_>>().as_slice(), common.len() >= 2) {
        ([role], true) => Some(type_ident(&format!("{}{role}", common.concat()))),
        _ => None,
    };
    Want { first_choice, qualified: None, fallback, own }
}

/// The slot a use names below its root (`Direction`, `Visibility`, `LinksSelf`), unless it is
/// only a body's or response's own items, values or union members (`Item`, `Variant0`).
fn slot_name(u: &Use) -> Option<String> {
    let slot = u.hint.strip_prefix(&u.site.root)?;
    let words = words(slot);
    let structural = |w: &&str| {
        let stem = w.trim_end_matches(|c: char| c.is_ascii_digit());
        matches!(stem, "Item" | "Value" | "Variant" | "Part")
    };
    if words.iter().all(structural) || !slot.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    Some(slot.to_owned())
}

/// The words every name has, in order (`ActionsListRepoSecrets`, `AgentsListRepoSecrets` and
/// `ActionsListEnvironmentSecrets` → `List`, `Secrets`), without joining words at either end.
/// Found name by name from the alphabetically first (a longest common subsequence of each
/// pair in turn), so the answer depends only on the set of names.
fn common_words<'a>(names: &[&'a str]) -> Vec<&'a str> {
    let mut sorted: Vec<&str> = names.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let mut common = sorted.first().map(|n| words(n)).unwrap_or_default();
    for name in sorted.iter().skip(1) {
        common = subsequence(&common, &words(name));
    }
    while common.last().is_some_and(|w| JOINERS.contains(w)) {
        common.pop();
    }
    let leading = common.iter().take_while(|w| JOINERS.contains(w)).count();
    common.split_off(leading)
}

/// The longest sequence of words both lists have in this order.
fn subsequence<'a>(a: &[&'a str], b: &[&str]) -> Vec<&'a str> {
    // lengths[i][j]: the answer's length for a[i..] and b[j..].
    let mut lengths = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lengths[i][j] =
                if a[i] == b[j] { lengths[i + 1][j + 1] + 1 } else { lengths[i + 1][j].max(lengths[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(a[i]);
            (i, j) = (i + 1, j + 1);
        } else if lengths[i + 1][j] >= lengths[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// A PascalCase name's words (`ProjectsV2View` → `Projects`, `V2`, `View`).
fn words(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            out.push(&name[start..i]);
            start = i;
        }
    }
    if start < name.len() {
        out.push(&name[start..]);
    }
    out
}

/// Each shape's name: its first choice when free and no other shape wants it, else its
/// qualified name on the same terms, else its fallback.
fn allocate<'a>(wants: &BTreeMap<&'a str, Want>, taken: &BTreeSet<String>) -> BTreeMap<&'a str, String> {
    let mut names = BTreeMap::new();
    let mut given: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<&str> = wants.keys().copied().collect();
    let rounds: [fn(&Want) -> Option<&String>; 2] = [|w| w.first_choice.as_ref(), |w| w.qualified.as_ref()];
    for choice in rounds {
        let mut wanted: BTreeMap<&String, usize> = BTreeMap::new();
        for first in &pending {
            if let Some(name) = choice(&wants[first]) {
                *wanted.entry(name).or_default() += 1;
            }
        }
        pending.retain(|first| {
            let Some(name) = choice(&wants[first]) else { return true };
            let own = wants[first].own.contains(name);
            let free = wanted[name] == 1 && (own || !taken.contains(name)) && !given.contains(name);
            if free {
                given.insert(name.clone());
                names.insert(*first, name.clone());
            }
            !free
        });
    }
    for first in pending {
        names.insert(first, wants[first].fallback.clone());
    }
    names
}

/// Renames the named types `renames` lists wherever a definition or an operation of `api` uses
/// them (the definitions themselves keep their names).
pub(crate) fn rename_uses(api: &mut super::Api, renames: &BTreeMap<String, String>) {
    for def in &mut api.types {
        rename_kind(&mut def.kind, renames);
    }
    for op in &mut api.operations {
        rename_operation(op, renames);
    }
}

fn rename_kind(kind: &mut TypeKind, renames: &BTreeMap<String, String>) {
    match kind {
        TypeKind::Struct { fields, additional } => {
            for f in fields {
                rename_type(&mut f.ty, renames);
                rename_rust(&mut f.rust_type, renames);
            }
            if let Some(extra) = additional {
                rename_type(&mut extra.value, renames);
                rename_rust(&mut extra.rust_type, renames);
            }
        }
        TypeKind::Union { variants } => {
            for v in variants {
                rename_type(&mut v.ty, renames);
                rename_rust(&mut v.rust_type, renames);
            }
        }
        TypeKind::Alias { ty, rust_type } => {
            rename_type(ty, renames);
            rename_rust(rust_type, renames);
        }
        TypeKind::Enum { .. } => {}
    }
}

fn rename_operation(op: &mut Operation, renames: &BTreeMap<String, String>) {
    for p in &mut op.params {
        rename_type(&mut p.ty, renames);
        rename_rust(&mut p.rust_type, renames);
        match &mut p.access {
            Access::Copy(ty) | Access::Slice(ty) | Access::Ref(ty) => rename_rust(ty, renames),
            Access::Str => {}
        }
    }
    for arg in &mut op.args {
        rename_rust(&mut arg.ty, renames);
    }
    match &mut op.body {
        Some(RequestBody::Json { ty, rust_type, .. }) => {
            rename_type(ty, renames);
            rename_rust(rust_type, renames);
        }
        Some(RequestBody::Form { fields, .. }) => {
            for f in fields {
                if let Some(ty) = &mut f.text {
                    rename_type(ty, renames);
                }
                rename_rust(&mut f.rust_type, renames);
            }
        }
        Some(RequestBody::Raw { .. }) | None => {}
    }
    for case in op.success.iter_mut().chain(op.errors.iter_mut()) {
        if let ResponseBody::Json(ty) = &mut case.body {
            rename_type(ty, renames);
        }
        if let Some(payload) = &mut case.payload {
            rename_rust(payload, renames);
        }
    }
    rename_rust(&mut op.success_type, renames);
}

fn rename_type(ty: &mut TypeRef, renames: &BTreeMap<String, String>) {
    match ty {
        TypeRef::Named(name) => {
            if let Some(new) = renames.get(name.as_str()) {
                name.clone_from(new);
            }
        }
        TypeRef::Array(inner) | TypeRef::Map(inner) => rename_type(inner, renames),
        TypeRef::Tuple(items) => items.iter_mut().for_each(|t| rename_type(t, renames)),
        _ => {}
    }
}

fn rename_rust(ty: &mut RustType, renames: &BTreeMap<String, String>) {
    match ty {
        RustType::Schema(name) => {
            if let Some(new) = renames.get(name.as_str()) {
                name.clone_from(new);
            }
        }
        RustType::Vec(inner) | RustType::Map(inner) | RustType::Option(inner) | RustType::Boxed(inner) => {
            rename_rust(inner, renames)
        }
        RustType::Tuple(items) => items.iter_mut().for_each(|t| rename_rust(t, renames)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{common_words, words};

    #[test]
    fn common_words_in_order_without_joiners_at_the_ends() {
        assert_eq!(words("ProjectsV2View"), ["Projects", "V2", "View"]);
        let runners = ["ActionsListSelfHostedRunnersForOrg", "ActionsListSelfHostedRunnersForRepo"];
        assert_eq!(common_words(&runners).concat(), "ActionsListSelfHostedRunners");
        let secrets = ["ActionsListRepoOrganizationSecrets", "ActionsListEnvironmentSecrets", "AgentsListRepoSecrets"];
        assert_eq!(common_words(&secrets).concat(), "ListSecrets");
        assert_eq!(common_words(&["ReposListForOrg", "ReposListForAuthenticatedUser"]).concat(), "ReposList");
        // One word in common: too little to name a shape by (the callers ask for two).
        assert_eq!(common_words(&["ReposListForOrg", "SecurityAdvisoriesListGlobalAdvisories"]), ["List"]);
        assert_eq!(common_words(&["GetA", "GetA"]).concat(), "GetA");
    }
}
