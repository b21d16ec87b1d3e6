//! Schemas → [`TypeRef`]s and [`TypeDef`]s. Component schemas get their names up front, so a
//! reference never recurses into its target; inline objects, enums and unions are named after
//! where they appear (`ListMediaResponse`, `MediaStatus`).

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

use super::all_of::Own;
use super::naming::{field_ident, name_part, type_ident, unique, variant_ident};
use super::shared::{Site, Use};
use super::{Additional, EnumVariant, Field, FloatWidth, IntWidth, RustType, TypeDef, TypeKind, TypeRef, UnionVariant};
use crate::spec::version::{Warning, TUPLE_ITEMS};
use crate::spec::{Pointer, Spec, SpecError};

/// A schema's Rust type and whether the schema allows `null`.
pub type Typed = (TypeRef, bool);

pub struct TypeBuilder<'a> {
    pub(super) spec: &'a Spec,
    /// Component key → Rust name.
    components: BTreeMap<String, String>,
    pub(super) taken: BTreeSet<String>,
    pub(super) defs: BTreeMap<String, TypeDef>,
    /// Nesting of `allOf` merges (see [`super::all_of`]).
    pub(super) merge_depth: usize,
    /// What the model holds less precisely than the spec says.
    pub(super) warnings: Vec<Warning>,
    /// The first definition of each shape (its `Debug` text), so a shape a spec writes out
    /// again inline is defined once (see [`Self::define_inline`]).
    pub(super) shapes: BTreeMap<String, String>,
    /// Inline definitions in the order made (name, and the shape it introduced), so a unit the
    /// model gives up (an operation, a component) leaves none of its types behind.
    pub(super) journal: Vec<(String, Option<String>)>,
    /// Where each journal entry was made, so a shape used in several places is named for all of
    /// them (see [`super::shared`]); always as long as `journal`.
    pub(super) uses: Vec<Use>,
    /// The unit and slot inline definitions are being made for now.
    pub(super) site: Site,
    /// Tolerant: a component schema the model cannot hold becomes `serde_json::Value`.
    pub(super) tolerant: bool,
}

impl<'a> TypeBuilder<'a> {
    pub fn new(spec: &'a Spec) -> Self {
        let mut taken = BTreeSet::new();
        let mut components = BTreeMap::new();
        if let Some(c) = &spec.doc.components {
            for key in c.schemas.keys() {
                components.insert(key.clone(), unique(type_ident(key), &mut taken));
            }
        }
        Self {
            spec,
            components,
            taken,
            defs: BTreeMap::new(),
            merge_depth: 0,
            warnings: Vec::new(),
            shapes: BTreeMap::new(),
            journal: Vec::new(),
            uses: Vec::new(),
            site: Site::default(),
            tolerant: false,
        }
    }

    /// Builds a definition for every component schema.
    pub fn build_components(&mut self) -> Result<(), SpecError> {
        let Some(c) = &self.spec.doc.components else { return Ok(()) };
        for (key, item) in &c.schemas {
            let at = Pointer::component("schemas", key);
            let name = self.components.get(key).cloned().unwrap_or_else(|| type_ident(key));
            self.enter(&name, &name);
            let checkpoint = self.checkpoint();
            let (kind, description) = match self.component(item, &at, &name) {
                Ok(built) => built,
                Err(e) if self.tolerant => {
                    self.rollback(checkpoint);
                    let message = format!("{}; the type `{name}` is `serde_json::Value` instead", e.message);
                    self.warnings.push(Warning { pointer: e.pointer, message });
                    (alias(TypeRef::Json), None)
                }
                Err(e) => return Err(e),
            };
            if !matches!(kind, TypeKind::Alias { .. }) {
                self.shapes.entry(format!("{kind:?}")).or_insert_with(|| name.clone());
            }
            self.defs.insert(
                name.clone(),
                TypeDef { name, schema: at.to_string(), features: Vec::new(), description, kind },
            );
        }
        Ok(())
    }

    fn component(
        &mut self,
        item: &ReferenceOr<Schema>,
        at: &Pointer,
        name: &str,
    ) -> Result<(TypeKind, Option<String>), SpecError> {
        let (schema, _, at) = self.spec.schema(item, at)?;
        let kind = match self.definition(schema, &at, name)? {
            Some(kind) => kind,
            None => alias(self.schema_type(schema, &at, name)?.0),
        };
        Ok((kind, schema.schema_data.description.clone()))
    }

    /// All definitions, sorted by name, with recursive fields boxed, and the warnings.
    pub fn finish(self) -> (Vec<TypeDef>, Vec<Warning>) {
        let mut defs = self.defs;
        super::build::box_recursive_fields(&mut defs);
        (defs.into_values().collect(), self.warnings)
    }

    /// A definition built so far (every component schema, and the inline ones met before).
    pub fn def(&self, name: &str) -> Option<&TypeDef> {
        self.defs.get(name)
    }

    /// Whether a parameter or multipart text part of this type can be written as text: a primitive,
    /// a string enum, or an array of those.
    pub fn is_scalar(&self, ty: &TypeRef) -> bool {
        self.is_scalar_within(ty, 8)
    }

    fn is_scalar_within(&self, ty: &TypeRef, depth: u8) -> bool {
        match ty {
            TypeRef::String | TypeRef::Time(_) | TypeRef::Integer(_) | TypeRef::Float(_) | TypeRef::Boolean => true,
            TypeRef::Array(inner) => !matches!(**inner, TypeRef::Array(_)) && self.is_scalar_within(inner, depth),
            TypeRef::Named(name) if depth > 0 => match self.defs.get(name).map(|d| &d.kind) {
                Some(TypeKind::Enum { .. }) => true,
                Some(TypeKind::Alias { ty: inner, .. }) => self.is_scalar_within(inner, depth - 1),
                _ => false,
            },
            _ => false,
        }
    }

    /// The type of a schema reference, naming inline definitions after `hint`.
    pub fn type_of(&mut self, item: &ReferenceOr<Schema>, at: &Pointer, hint: &str) -> Result<Typed, SpecError> {
        match item {
            ReferenceOr::Reference { .. } => {
                let (schema, name, _) = self.spec.schema(item, at)?;
                Ok((self.named(name), schema.schema_data.nullable))
            }
            ReferenceOr::Item(schema) => self.schema_type(schema, at, hint),
        }
    }

    pub fn boxed_type_of(
        &mut self,
        item: &ReferenceOr<Box<Schema>>,
        at: &Pointer,
        hint: &str,
    ) -> Result<Typed, SpecError> {
        match item {
            ReferenceOr::Reference { .. } => {
                let (schema, name, _) = self.spec.boxed_schema(item, at)?;
                Ok((self.named(name), schema.schema_data.nullable))
            }
            ReferenceOr::Item(schema) => self.schema_type(schema, at, hint),
        }
    }

    fn named(&self, component: Option<&str>) -> TypeRef {
        let key = component.unwrap_or_default();
        TypeRef::Named(self.components.get(key).cloned().unwrap_or_else(|| type_ident(key)))
    }

    /// The type of an inline schema; objects, enums and unions become definitions named `hint`.
    pub fn schema_type(&mut self, schema: &Schema, at: &Pointer, hint: &str) -> Result<Typed, SpecError> {
        let nullable = schema.schema_data.nullable;
        // A lone `allOf`/`oneOf`/`anyOf` member is that member (`nullable` + `allOf: [$ref]`).
        if let Some(only) = single_member(&schema.schema_kind) {
            let (ty, inner_nullable) = self.type_of(only, &at.push(kind_key(&schema.schema_kind)).push("0"), hint)?;
            return Ok((ty, nullable || inner_nullable));
        }
        if let Some(kind) = self.definition(schema, at, hint)? {
            // An `allOf` that is one non-object value is that value, not a definition of its own.
            if let TypeKind::Alias { ty, .. } = kind {
                return Ok((ty, nullable));
            }
            let description = schema.schema_data.description.clone();
            return Ok((self.define_inline(hint, at, description, kind), nullable));
        }
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Binary,
                format => super::time::string_type(self.spec, super::time::format_text(format), schema, at)?,
            },
            SchemaKind::Type(Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => TypeRef::Integer(IntWidth::I32),
                _ => TypeRef::Integer(IntWidth::I64),
            },
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float) => TypeRef::Float(FloatWidth::F32),
                _ => TypeRef::Float(FloatWidth::F64),
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Array(_)) if schema.schema_data.extensions.contains_key(TUPLE_ITEMS) => {
                self.tuple(schema, at, hint)?
            }
            SchemaKind::Type(Type::Array(a)) => {
                let item = match &a.items {
                    Some(items) => self.boxed_type_of(items, &at.push("items"), &format!("{hint}Item"))?.0,
                    None => TypeRef::Json,
                };
                TypeRef::Array(Box::new(item))
            }
            SchemaKind::Type(Type::Object(o)) => self.map_type(o.additional_properties.as_ref(), at, hint)?,
            SchemaKind::Any(any) => match any.typ.as_deref() {
                Some("string") => super::time::string_type(self.spec, any.format.as_deref(), schema, at)?,
                Some("integer") => TypeRef::Integer(IntWidth::I64),
                Some("number") => TypeRef::Float(FloatWidth::F64),
                Some("boolean") => TypeRef::Boolean,
                None | Some("array") if schema.schema_data.extensions.contains_key(TUPLE_ITEMS) => {
                    self.tuple(schema, at, hint)?
                }
                None | Some("array") if any.items.is_some() => {
                    let items =
                        any.items.as_ref().map(|i| self.boxed_type_of(i, &at.push("items"), &format!("{hint}Item")));
                    TypeRef::Array(Box::new(items.transpose()?.map(|t| t.0).unwrap_or(TypeRef::Json)))
                }
                // `{}` (no type, no members): any JSON value, not an object — Jira's property
                // values and classifications are strings, numbers and lists as often as objects.
                None if any.properties.is_empty()
                    && !matches!(any.additional_properties, Some(AdditionalProperties::Schema(_))) =>
                {
                    TypeRef::Json
                }
                None | Some("object") => self.map_type(any.additional_properties.as_ref(), at, hint)?,
                // `type: "null"` where 3.0 has no such type (Slack's 2.0 unions): only `null`.
                Some("null") => return Ok((TypeRef::Json, true)),
                Some(other) => {
                    return Err(self
                        .spec
                        .error(at, format!("schema type {other:?} with these keywords is not supported")))
                }
            },
            SchemaKind::Not { .. } => return Err(self.spec.error(at, "`not` schemas are not supported")),
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::AllOf { .. } => TypeRef::Json,
        };
        Ok((ty, nullable))
    }

    /// A closed tuple's items, in order, from the version step's [`TUPLE_ITEMS`].
    fn tuple(&mut self, schema: &Schema, at: &Pointer, hint: &str) -> Result<TypeRef, SpecError> {
        let at = at.push(TUPLE_ITEMS);
        let items = schema.schema_data.extensions.get(TUPLE_ITEMS).and_then(serde_json::Value::as_array);
        let mut types = Vec::new();
        for (i, item) in items.into_iter().flatten().enumerate() {
            let at = at.push(&i.to_string());
            let item: ReferenceOr<Schema> = serde_json::from_value(item.clone())
                .map_err(|e| self.spec.error(&at, format!("a tuple item is not a schema: {e}")))?;
            types.push(self.type_of(&item, &at, &format!("{hint}Item{i}"))?.0);
        }
        Ok(TypeRef::Tuple(types))
    }

    /// A free-form object, or a map when `additionalProperties` has a schema.
    fn map_type(
        &mut self,
        extra: Option<&AdditionalProperties>,
        at: &Pointer,
        hint: &str,
    ) -> Result<TypeRef, SpecError> {
        Ok(match extra {
            Some(AdditionalProperties::Schema(s)) => {
                let (value, _) = self.type_of(s, &at.push("additionalProperties"), &format!("{hint}Value"))?;
                TypeRef::Map(Box::new(value))
            }
            _ => TypeRef::JsonObject,
        })
    }

    /// The definition a schema needs, if it needs one (objects with properties, enums, unions).
    pub(super) fn definition(
        &mut self,
        schema: &Schema,
        at: &Pointer,
        name: &str,
    ) -> Result<Option<TypeKind>, SpecError> {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                let values = s.enumeration.iter().flatten().cloned();
                Ok(Some(enum_kind(values)))
            }
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => {
                let fields = self.fields(&o.properties, &o.required, at, name)?;
                let additional = self.additional(o.additional_properties.as_ref(), at, name)?;
                Ok(Some(struct_kind(fields, additional)))
            }
            SchemaKind::AllOf { all_of } if all_of.len() > 1 => self.merged(all_of, None, at, name).map(Some),
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } if members.len() > 1 => {
                let key = kind_key(&schema.schema_kind);
                self.union(members, &at.push(key), name).map(Some)
            }
            // openapiv3 lands here when keywords mix (`type` with `oneOf`, an enum with `null`, …).
            SchemaKind::Any(any) => {
                if !any.all_of.is_empty() {
                    let own = Own { properties: &any.properties, required: &any.required };
                    return self.merged(&any.all_of, Some(own), at, name).map(Some);
                }
                let (members, key) =
                    if any.one_of.is_empty() { (&any.any_of, "anyOf") } else { (&any.one_of, "oneOf") };
                if !members.is_empty() {
                    return self.union(members, &at.push(key), name).map(Some);
                }
                let objectish = matches!(any.typ.as_deref(), None | Some("object"));
                if objectish && !any.properties.is_empty() {
                    let fields = self.fields(&any.properties, &any.required, at, name)?;
                    let additional = self.additional(any.additional_properties.as_ref(), at, name)?;
                    return Ok(Some(struct_kind(fields, additional)));
                }
                let strings: Vec<String> =
                    any.enumeration.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
                let stringish = matches!(any.typ.as_deref(), None | Some("string"));
                Ok((stringish && !strings.is_empty()).then(|| enum_kind(strings.into_iter())))
            }
            _ => Ok(None),
        }
    }

    fn additional(
        &mut self,
        extra: Option<&AdditionalProperties>,
        at: &Pointer,
        name: &str,
    ) -> Result<Option<TypeRef>, SpecError> {
        match extra {
            Some(AdditionalProperties::Any(true)) => Ok(Some(TypeRef::Json)),
            Some(AdditionalProperties::Schema(s)) => {
                Ok(Some(self.type_of(s, &at.push("additionalProperties"), &format!("{name}Value"))?.0))
            }
            _ => Ok(None),
        }
    }

    pub(super) fn fields(
        &mut self,
        properties: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        at: &Pointer,
        owner: &str,
    ) -> Result<Vec<Field>, SpecError> {
        let mut taken = BTreeSet::new();
        let mut fields = Vec::with_capacity(properties.len());
        for (wire_name, item) in properties {
            let at = at.push("properties").push(wire_name);
            let hint = format!("{owner}{}", name_part(wire_name));
            let (ty, nullable) = self.boxed_type_of(item, &at, &hint)?;
            let (description, deprecated, sensitive) = match item {
                ReferenceOr::Item(s) => (s.schema_data.description.clone(), s.schema_data.deprecated, is_sensitive(s)),
                ReferenceOr::Reference { .. } => (None, false, false),
            };
            let required = required.contains(wire_name);
            fields.push(Field {
                wire_name: wire_name.clone(),
                rust_name: unique(field_ident(wire_name), &mut taken),
                rust_type: RustType::field(&ty, false, !required || nullable),
                ty,
                required,
                nullable,
                boxed: false,
                sensitive,
                description,
                deprecated,
            });
        }
        Ok(fields)
    }

    fn union(&mut self, members: &[ReferenceOr<Schema>], at: &Pointer, name: &str) -> Result<TypeKind, SpecError> {
        let mut taken = BTreeSet::new();
        let mut variants = Vec::with_capacity(members.len());
        for (i, member) in members.iter().enumerate() {
            let at = at.push(&i.to_string());
            let (ty, _) = self.type_of(member, &at, &format!("{name}Variant{i}"))?;
            let label = match &ty {
                TypeRef::Named(n) => n.clone(),
                other => variant_ident(primitive_label(other)),
            };
            variants.push(UnionVariant { rust_name: unique(label, &mut taken), rust_type: RustType::of(&ty), ty });
        }
        Ok(TypeKind::Union { variants })
    }
}

/// A value that must not reach a log: marked `x-sensitive: true`, or a `format: password` string.
fn is_sensitive(schema: &Schema) -> bool {
    let marked = schema.schema_data.extensions.get("x-sensitive").and_then(serde_json::Value::as_bool) == Some(true);
    let password = matches!(&schema.schema_kind, SchemaKind::Type(Type::String(s))
        if matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Password)));
    marked || password
}

pub(super) fn alias(ty: TypeRef) -> TypeKind {
    TypeKind::Alias { rust_type: RustType::of(&ty), ty }
}

/// A struct, its map of undeclared properties named so that no declared field shadows it.
pub(super) fn struct_kind(fields: Vec<Field>, additional: Option<TypeRef>) -> TypeKind {
    let additional = additional.map(|value| {
        let mut taken = fields.iter().map(|f| f.rust_name.trim_start_matches("r#").to_owned()).collect();
        Additional {
            rust_name: unique("additional_properties".to_owned(), &mut taken),
            rust_type: RustType::Map(Box::new(RustType::of(&value))),
            value,
        }
    });
    TypeKind::Struct { fields, additional }
}

fn enum_kind(values: impl Iterator<Item = String>) -> TypeKind {
    let mut taken = BTreeSet::from(["Unknown".to_owned()]);
    // A value listed twice is one variant (specs in the wild repeat them).
    let mut seen = BTreeSet::new();
    let variants = values
        .filter(|v| seen.insert(v.clone()))
        .map(|wire_value| EnumVariant { rust_name: unique(variant_ident(&wire_value), &mut taken), wire_value })
        .collect();
    TypeKind::Enum { variants }
}

/// A schema with nothing that shapes a value: no type other than object, no properties, no
/// composition, no enum.
pub(super) fn is_annotation_only(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.properties.is_empty() && o.additional_properties.is_none(),
        SchemaKind::Any(any) => {
            matches!(any.typ.as_deref(), None | Some("object"))
                && any.properties.is_empty()
                && any.all_of.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.enumeration.is_empty()
                && any.items.is_none()
                && any.additional_properties.is_none()
        }
        _ => false,
    }
}

fn single_member(kind: &SchemaKind) -> Option<&ReferenceOr<Schema>> {
    match kind {
        SchemaKind::AllOf { all_of: m } | SchemaKind::OneOf { one_of: m } | SchemaKind::AnyOf { any_of: m }
            if m.len() == 1 =>
        {
            m.first()
        }
        SchemaKind::Any(any) if any.properties.is_empty() => {
            let lists = [&any.all_of, &any.one_of, &any.any_of];
            let nonempty: Vec<_> = lists.iter().filter(|l| !l.is_empty()).collect();
            match nonempty.as_slice() {
                [only] if only.len() == 1 => only.first(),
                _ => None,
            }
        }
        _ => None,
    }
}

fn kind_key(kind: &SchemaKind) -> &'static str {
    match kind {
        SchemaKind::OneOf { .. } => "oneOf",
        SchemaKind::AnyOf { .. } => "anyOf",
        SchemaKind::Any(any) if !any.one_of.is_empty() => "oneOf",
        SchemaKind::Any(any) if !any.any_of.is_empty() => "anyOf",
        _ => "allOf",
    }
}

fn primitive_label(ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::String => "String",
        TypeRef::Integer(_) => "Integer",
        TypeRef::Float(_) => "Number",
        TypeRef::Boolean => "Boolean",
        TypeRef::Binary => "Binary",
        TypeRef::Time(kind) => kind.type_name(),
        TypeRef::Json | TypeRef::JsonObject => "Object",
        TypeRef::Array(_) => "List",
        TypeRef::Tuple(_) => "Tuple",
        TypeRef::Map(_) => "Map",
        TypeRef::Named(_) => "Named",
    }
}
