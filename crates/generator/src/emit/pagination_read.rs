//! Reading a page out of the decoded success body, as a generated `Source` does: the items
//! (moved out, the page keeps the rest), counts, the next token and `has_more`, each through
//! the body's fields — and, when `send()` returns an enum of several 2xx statuses, through the
//! variant that holds the page (a response of another status has no items and no facts).

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::model::{BodyPath, Operation, Pagination, RustType, Step};

/// Where the page's fields are read from: `body` itself, or the one variant of the success
/// enum that carries it.
pub(super) struct Reader {
    /// `OpSuccess::Ok`, when the body is an enum of statuses.
    variant: Option<TokenStream>,
}

#[derive(Clone, Copy)]
enum Borrow {
    Ref,
    Mut,
}

/// Where a walk down the body's fields got to: a place (`body.meta`) while every step was
/// required, or an `Option<&T>` once an optional field (or the enum's variant) was crossed.
enum Reach {
    Place(TokenStream),
    Maybe(TokenStream),
}

impl Reader {
    pub fn new(op: &Operation, paging: &Pagination) -> Self {
        let variant = match (&op.success_enum, &paging.success_variant) {
            (Some(success), Some(variant)) => {
                let (success, variant) = (ident(success), ident(variant));
                Some(quote!(#success::#variant))
            }
            _ => None,
        };
        Reader { variant }
    }

    /// The body itself, or the variant's payload as an `Option<&T>` (`&mut T`).
    fn root(&self, borrow: Borrow) -> Reach {
        match (&self.variant, borrow) {
            (None, _) => Reach::Place(quote!(body)),
            (Some(v), Borrow::Ref) => Reach::Maybe(quote!((match &body { #v(page) => Some(page), _ => None }))),
            (Some(v), Borrow::Mut) => Reach::Maybe(quote!((match &mut body { #v(page) => Some(page), _ => None }))),
        }
    }

    fn walk(&self, steps: &[Step], borrow: Borrow) -> Reach {
        let mut reach = self.root(borrow);
        for step in steps {
            let field = ident(&step.field);
            let (as_opt, deref) = match borrow {
                Borrow::Ref => (if step.boxed { quote!(as_deref) } else { quote!(as_ref) }, quote!(&*)),
                Borrow::Mut => (if step.boxed { quote!(as_deref_mut) } else { quote!(as_mut) }, quote!(&mut *)),
            };
            let amp = match borrow {
                Borrow::Ref => quote!(&),
                Borrow::Mut => quote!(&mut),
            };
            reach = match (reach, step.option) {
                (Reach::Place(place), false) => Reach::Place(quote!(#place.#field)),
                (Reach::Place(place), true) => Reach::Maybe(quote!(#place.#field.#as_opt())),
                (Reach::Maybe(opt), true) => Reach::Maybe(quote!(#opt.and_then(|v| v.#field.#as_opt()))),
                (Reach::Maybe(opt), false) if step.boxed => Reach::Maybe(quote!(#opt.map(|v| #deref v.#field))),
                (Reach::Maybe(opt), false) => Reach::Maybe(quote!(#opt.map(|v| #amp v.#field))),
            };
        }
        reach
    }

    /// The items array, moved out of the body (the page keeps the rest).
    pub fn take_items(&self, path: &BodyPath) -> TokenStream {
        let Some((last, parents)) = path.steps.split_last() else {
            // No steps: the body is itself the array (GitHub's lists).
            return match self.root(Borrow::Mut) {
                Reach::Place(_) => quote!(std::mem::take(&mut body)),
                Reach::Maybe(page) => quote!(#page.map(std::mem::take).unwrap_or_default()),
            };
        };
        let leaf = ident(&last.field);
        let take = |owner: TokenStream| match last.option {
            true => quote!(#owner.#leaf.take().unwrap_or_default()),
            false => quote!(std::mem::take(&mut #owner.#leaf)),
        };
        match self.walk(parents, Borrow::Mut) {
            Reach::Place(owner) => take(owner),
            // A missing optional parent means no items.
            Reach::Maybe(owner) => {
                let take = take(quote!(owner));
                quote!(#owner.map(|owner| #take).unwrap_or_default())
            }
        }
    }

    /// A `Copy` leaf (an integer, a boolean) as an `Option` of it; an `i32` widened to `i64`.
    pub fn copy(&self, path: &BodyPath) -> TokenStream {
        let widen = matches!(RustType::of(&path.leaf), RustType::I32).then(|| quote!(.map(i64::from)));
        let Some((last, parents)) = path.steps.split_last() else { return quote!(None) };
        let leaf = ident(&last.field);
        let value = match (self.walk(parents, Borrow::Ref), last.option) {
            (Reach::Place(place), true) => quote!(#place.#leaf),
            (Reach::Place(place), false) => quote!(Some(#place.#leaf)),
            (Reach::Maybe(opt), true) => quote!(#opt.and_then(|v| v.#leaf)),
            (Reach::Maybe(opt), false) => quote!(#opt.map(|v| v.#leaf)),
        };
        quote!(#value #widen)
    }

    /// A count (a total, the page size used) as the engine's `Option<u64>`: an integer, or a
    /// `number` when it is whole and not negative.
    pub fn count(&self, path: &BodyPath) -> TokenStream {
        let read = self.copy(path);
        match RustType::of(&path.leaf) {
            RustType::F64 => quote!(#read.and_then(client_runtime::__private::count_from_number)),
            RustType::F32 => quote!(#read.map(f64::from).and_then(client_runtime::__private::count_from_number)),
            _ => quote!(#read.and_then(client_runtime::__private::count_from_wire)),
        }
    }

    /// The next token as `Option<String>`: a string leaf, or an integer one as its decimal text
    /// (the engine decides what an empty or repeated token means).
    pub fn token(&self, path: &BodyPath) -> TokenStream {
        let Some((last, parents)) = path.steps.split_last() else { return quote!(None) };
        let leaf = ident(&last.field);
        let reach = self.walk(parents, Borrow::Ref);
        if matches!(RustType::of(&path.leaf), RustType::I32 | RustType::I64) {
            return match (reach, last.option) {
                (Reach::Place(place), true) => quote!(#place.#leaf.map(|v| v.to_string())),
                (Reach::Place(place), false) => quote!(Some(#place.#leaf.to_string())),
                (Reach::Maybe(opt), true) => quote!(#opt.and_then(|v| v.#leaf).map(|v| v.to_string())),
                (Reach::Maybe(opt), false) => quote!(#opt.map(|v| v.#leaf.to_string())),
            };
        }
        match (reach, last.option) {
            (Reach::Place(place), true) => quote!(#place.#leaf.clone()),
            (Reach::Place(place), false) => quote!(Some(#place.#leaf.clone())),
            (Reach::Maybe(opt), true) => quote!(#opt.and_then(|v| v.#leaf.clone())),
            (Reach::Maybe(opt), false) => quote!(#opt.map(|v| v.#leaf.clone())),
        }
    }
}
