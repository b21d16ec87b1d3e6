//! Giving up a unit (an operation, a component, a parameter) leaves nothing of it behind: the
//! inline types it defined are forgotten, and the names it took are free again.

use super::types::TypeBuilder;
use super::{TypeKind, TypeRef};

/// Where a [`TypeBuilder`] stood, to go back to when a unit is given up.
#[derive(Clone, Copy, Debug)]
pub struct Checkpoint {
    journal: usize,
    warnings: usize,
}

impl TypeBuilder<'_> {
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint { journal: self.journal.len(), warnings: self.warnings.len() }
    }

    /// Forgets every inline definition and warning made since `checkpoint`.
    pub fn rollback(&mut self, checkpoint: Checkpoint) {
        for (name, shape) in self.journal.drain(checkpoint.journal..).rev() {
            self.defs.remove(&name);
            self.taken.remove(&name);
            if let Some(shape) = shape {
                self.shapes.remove(&shape);
            }
        }
        self.uses.truncate(checkpoint.journal);
        self.warnings.truncate(checkpoint.warnings);
    }

    /// The scalar (or list of scalars) a chain of named aliases stands for (`TunnelPerPage` →
    /// `f64`), so what a
    /// parameter is on the wire (its bounds, a count the paging engine writes) is seen through
    /// a component that only names it; anything else is returned as it is.
    pub fn through_aliases(&self, ty: TypeRef) -> TypeRef {
        let mut current = ty.clone();
        for _ in 0..16 {
            match &current {
                TypeRef::Named(name) => match self.def(name).map(|d| &d.kind) {
                    Some(TypeKind::Alias { ty: inner, .. }) => current = inner.clone(),
                    _ => return ty,
                },
                TypeRef::String | TypeRef::Time(_) | TypeRef::Integer(_) | TypeRef::Float(_) | TypeRef::Boolean => {
                    return current
                }
                // A component naming a list of scalars (Cloudflare's `issueClasses`) is that list:
                // the parameter is written element by element, as its style says.
                TypeRef::Array(item) if self.is_scalar(item) => {
                    let item = self.through_aliases((**item).clone());
                    return TypeRef::Array(Box::new(item));
                }
                _ => return ty,
            }
        }
        ty
    }

    /// A schema that says nothing of its value (`{}`, `{example: "023e…"}`), directly or through
    /// named aliases: any JSON value, or an object with no declared members.
    pub fn is_untyped(&self, ty: &TypeRef) -> bool {
        let mut current = ty;
        for _ in 0..16 {
            match current {
                // `{}` reads as a free-form object (`additionalProperties` allowed by default).
                TypeRef::Json | TypeRef::JsonObject => return true,
                TypeRef::Named(name) => match self.def(name).map(|d| &d.kind) {
                    Some(TypeKind::Alias { ty, .. }) => current = ty,
                    // `{}` as a component reads as an object with no declared members.
                    Some(TypeKind::Struct { fields, additional: None }) => return fields.is_empty(),
                    _ => return false,
                },
                _ => return false,
            }
        }
        false
    }
}
