//! `allOf`: a value that satisfies every member at once. Object members' properties merge into
//! one struct; a member that only annotates (a description, `required`) adds nothing; members
//! that all describe the same non-object value (`allOf: [$ref: Arn, {description: …}]`, a
//! string with a pattern beside one with a length) are that value. Members no one Rust type can
//! hold together (an object beside a string, a union beside fields) give `serde_json::Value`,
//! with a warning naming the member: the crate still builds and nothing a server sends is lost.

use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

use super::types::{alias, is_annotation_only, struct_kind, TypeBuilder};
use super::{Field, TypeKind, TypeRef};
use crate::spec::{Pointer, SpecError};

/// Nesting of `allOf` merges, bounded so `A: allOf: [$ref A]` is an error, not a stack overflow.
const MAX_DEPTH: usize = 32;

/// What merging some members gave.
enum Merged {
    Struct {
        fields: Vec<Field>,
        additional: Option<TypeRef>,
    },
    /// One value that is not an object with properties, and its JSON type when known.
    Value {
        ty: TypeRef,
        json_type: Option<&'static str>,
    },
    /// Members that cannot be one Rust type (the warning is recorded).
    Untyped,
    /// A member that only annotates (a description, `required`, an empty object).
    Annotation,
    /// The definition of the one inline member that says anything.
    Kind(TypeKind),
}

/// Properties a schema declares beside its `allOf` (`{allOf: [$ref Base], properties: …}`).
pub struct Own<'s> {
    pub properties: &'s indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    pub required: &'s [String],
}

impl TypeBuilder<'_> {
    /// The definition of `allOf: members` (plus the schema's own properties), named `name`.
    pub(super) fn merged(
        &mut self,
        members: &[ReferenceOr<Schema>],
        own: Option<Own<'_>>,
        at: &Pointer,
        name: &str,
    ) -> Result<TypeKind, SpecError> {
        Ok(match self.merge(members, own, at, name)? {
            Merged::Struct { fields, additional } => struct_kind(fields, additional),
            Merged::Value { ty, .. } => alias(ty),
            Merged::Untyped => alias(TypeRef::Json),
            Merged::Annotation => struct_kind(Vec::new(), None),
            Merged::Kind(kind) => kind,
        })
    }

    fn merge(
        &mut self,
        members: &[ReferenceOr<Schema>],
        own: Option<Own<'_>>,
        at: &Pointer,
        name: &str,
    ) -> Result<Merged, SpecError> {
        if self.merge_depth > MAX_DEPTH {
            let message = "`allOf` nests more than 32 levels deep (does it include itself?)";
            return Err(self.spec.error(&at.push("allOf"), message));
        }
        self.merge_depth += 1;
        let merged = self.merge_members(members, own, at, name);
        self.merge_depth -= 1;
        merged
    }

    fn merge_members(
        &mut self,
        members: &[ReferenceOr<Schema>],
        own: Option<Own<'_>>,
        at: &Pointer,
        name: &str,
    ) -> Result<Merged, SpecError> {
        let own_properties = own.as_ref().is_some_and(|o| !o.properties.is_empty());
        if let (Some((i, only)), false) = (self.sole_member(members, at)?, own_properties) {
            return self.sole(only, &at.push("allOf").push(&i.to_string()), name);
        }
        let mut parts = Vec::with_capacity(members.len() + 1);
        for (i, member) in members.iter().enumerate() {
            let member_at = at.push("allOf").push(&i.to_string());
            parts.push(self.member(member, &member_at, name, i)?);
        }
        let mut required: &[String] = &[];
        if let Some(own) = own {
            required = own.required;
            if own_properties {
                let own_fields = self.fields(own.properties, own.required, at, name)?;
                parts.push((Merged::Struct { fields: own_fields, additional: None }, at.clone()));
            }
        }
        Ok(self.combine(parts, required))
    }

    /// `allOf: [$ref: Media, {description: …}]` is `Media` itself, not a copy of its fields (and
    /// a property of `Media` written that way does not expand `Media` again).
    fn sole(&mut self, only: &ReferenceOr<Schema>, at: &Pointer, name: &str) -> Result<Merged, SpecError> {
        if let ReferenceOr::Item(inline) = only {
            // An inline object, enum or union is the definition itself.
            if let Some(kind) = self.definition(inline, at, name)? {
                return Ok(Merged::Kind(kind));
            }
        }
        let (schema, _, _) = self.spec.schema(only, at)?;
        let json_type = json_type(schema);
        let (ty, _) = self.type_of(only, at, name)?;
        Ok(Merged::Value { ty, json_type })
    }

    /// Whether `new` says more than `old` about a value both describe: a concrete type narrows
    /// any JSON value, and a union (`anyOf: [object, array]`).
    fn narrower(&self, new: &TypeRef, old: &TypeRef) -> bool {
        let vague = |ty: &TypeRef| match ty {
            TypeRef::Json | TypeRef::JsonObject => 2,
            TypeRef::Named(name) => match self.def(name).map(|d| &d.kind) {
                Some(TypeKind::Union { .. }) => 1,
                _ => 0,
            },
            _ => 0,
        };
        vague(new) < vague(old)
    }

    /// The members' parts as one: fields merged in order (a field required by any member, or
    /// by the schema's own `required`, is required), or the one value they all describe.
    fn combine(&mut self, parts: Vec<(Merged, Pointer)>, required: &[String]) -> Merged {
        let (mut fields, mut additional, mut has_fields) = (Vec::<Field>::new(), None, false);
        let mut values: Vec<(TypeRef, Option<&'static str>, Pointer)> = Vec::new();
        for (part, part_at) in parts {
            match part {
                Merged::Struct { fields: member_fields, additional: extra } => {
                    has_fields = true;
                    additional = additional.or(extra);
                    for field in member_fields {
                        let index = fields.iter().position(|f| f.wire_name == field.wire_name);
                        match index {
                            // A value must match every member: where one says only "an object or
                            // a list" and another says which (Cloudflare's `result` of a common
                            // envelope, narrowed by each collection), the narrower one is the type.
                            Some(i) if self.narrower(&field.ty, &fields[i].ty) => {
                                let required = fields[i].required || field.required;
                                let nullable = fields[i].nullable && field.nullable;
                                let rust_type = super::RustType::field(&field.ty, field.boxed, !required || nullable);
                                fields[i] = Field { required, nullable, rust_type, ..field };
                            }
                            Some(i) => fields[i].required |= field.required,
                            None => fields.push(field),
                        }
                    }
                }
                Merged::Value { ty, json_type } => values.push((ty, json_type, part_at)),
                Merged::Untyped => return Merged::Untyped,
                Merged::Annotation | Merged::Kind(_) => {}
            }
        }
        for field in fields.iter_mut().filter(|f| required.contains(&f.wire_name) && !f.required) {
            field.required = true;
            field.rust_type = super::RustType::field(&field.ty, false, field.nullable);
        }
        if has_fields {
            // A free-form object member (`type: object` alone) agrees with any fields.
            if let Some((_, _, clash)) = values.iter().find(|(_, json_type, _)| *json_type != Some("object")) {
                let message = "this `allOf` member is not an object, but others have properties: the merged \
                               type is `serde_json::Value`";
                return self.untyped(clash, message);
            }
            return Merged::Struct { fields, additional };
        }
        let Some((first, first_type, _)) = values.first().cloned() else {
            return Merged::Struct { fields, additional };
        };
        let differs = |(ty, json_type, _): &&(TypeRef, Option<&str>, Pointer)| {
            *ty != first && (json_type.is_none() || *json_type != first_type)
        };
        if let Some((_, _, clash)) = values.iter().find(differs) {
            let message = "`allOf` members describe different kinds of value: the merged type is `serde_json::Value`";
            return self.untyped(&clash.clone(), message);
        }
        // Several members describing one string (a named one, another with a pattern): the named type says most.
        let ty = values.iter().map(|(ty, ..)| ty).find(|ty| matches!(ty, TypeRef::Named(_))).cloned().unwrap_or(first);
        Merged::Value { ty, json_type: first_type }
    }

    fn untyped(&mut self, at: &Pointer, message: &str) -> Merged {
        self.warnings.push(self.spec.warning(at, message));
        Merged::Untyped
    }

    /// The one member that is not an annotation, with its index, when there is exactly one.
    fn sole_member<'m>(
        &self,
        members: &'m [ReferenceOr<Schema>],
        at: &Pointer,
    ) -> Result<Option<(usize, &'m ReferenceOr<Schema>)>, SpecError> {
        let mut found = None;
        for (i, member) in members.iter().enumerate() {
            let (schema, _, _) = self.spec.schema(member, &at.push("allOf").push(&i.to_string()))?;
            if is_annotation_only(schema) {
                continue;
            }
            if found.is_some() {
                return Ok(None);
            }
            found = Some((i, member));
        }
        Ok(found)
    }

    /// One member: its fields, its value type, or nothing (an annotation).
    fn member(
        &mut self,
        member: &ReferenceOr<Schema>,
        at: &Pointer,
        name: &str,
        index: usize,
    ) -> Result<(Merged, Pointer), SpecError> {
        let (schema, _, resolved_at) = self.spec.schema(member, at)?;
        if is_annotation_only(schema) {
            return Ok((Merged::Annotation, resolved_at));
        }
        if let Some((nested, own)) = all_of_of(schema) {
            let merged = match self.merge(nested, own, &resolved_at, name)? {
                Merged::Kind(TypeKind::Struct { fields, additional }) => {
                    Merged::Struct { fields, additional: additional.map(|a| a.value) }
                }
                Merged::Kind(_) => {
                    let message = "a nested `allOf` that is an enum or a union, beside other members: the \
                                   merged type is `serde_json::Value`";
                    self.warnings.push(self.spec.warning(&resolved_at, message));
                    Merged::Untyped
                }
                other => other,
            };
            return Ok((merged, resolved_at));
        }
        if has_properties(schema) {
            return match self.definition(schema, &resolved_at, name)? {
                Some(TypeKind::Struct { fields, additional }) => {
                    Ok((Merged::Struct { fields, additional: additional.map(|a| a.value) }, resolved_at))
                }
                _ => Ok((Merged::Untyped, resolved_at)),
            };
        }
        let (ty, _) = self.type_of(member, at, &format!("{name}Part{index}"))?;
        Ok((Merged::Value { ty, json_type: json_type(schema) }, resolved_at))
    }
}

/// The `allOf` list of a schema that has one, and the properties it declares beside it.
pub fn all_of_of(schema: &Schema) -> Option<(&[ReferenceOr<Schema>], Option<Own<'_>>)> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => Some((all_of, None)),
        SchemaKind::Any(any) if !any.all_of.is_empty() && any.one_of.is_empty() && any.any_of.is_empty() => {
            Some((&any.all_of, Some(Own { properties: &any.properties, required: &any.required })))
        }
        _ => None,
    }
}

fn has_properties(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
        SchemaKind::Any(any) => {
            matches!(any.typ.as_deref(), None | Some("object"))
                && !any.properties.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
        }
        _ => false,
    }
}

/// The JSON type a schema's values have, when it says.
fn json_type(schema: &Schema) -> Option<&'static str> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(_)) => Some("string"),
        SchemaKind::Type(Type::Integer(_)) => Some("integer"),
        SchemaKind::Type(Type::Number(_)) => Some("number"),
        SchemaKind::Type(Type::Boolean(_)) => Some("boolean"),
        SchemaKind::Type(Type::Array(_)) => Some("array"),
        SchemaKind::Type(Type::Object(_)) => Some("object"),
        SchemaKind::Any(any) => match any.typ.as_deref() {
            Some("string") => Some("string"),
            Some("integer") => Some("integer"),
            Some("number") => Some("number"),
            Some("boolean") => Some("boolean"),
            Some("array") => Some("array"),
            Some("object") => Some("object"),
            _ => None,
        },
        _ => None,
    }
}
