//! Where operations use each named type: in requests (callers construct it), in responses (the
//! client constructs it, callers read it), or nowhere. Followed through fields, arrays, maps,
//! union variants and aliases; taken from both versions, so a type counts as a request type if
//! either version sends it.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::reach::{self, reachable};
use crate::model::{Api, TypeKind, TypeRef};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Sent by some operation (possibly also received): callers build it.
    Request,
    /// Only ever received.
    ResponseOnly,
    /// No operation mentions it.
    Unused,
}

pub struct Usage {
    request: BTreeSet<String>,
    response: BTreeSet<String>,
}

impl Usage {
    pub fn of(old: &Api, new: &Api) -> Usage {
        let mut usage = Usage { request: BTreeSet::new(), response: BTreeSet::new() };
        for api in [old, new] {
            let (request, response) = roots(api);
            let defs: BTreeMap<&str, &TypeKind> = api.types.iter().map(|d| (d.name.as_str(), &d.kind)).collect();
            usage.request.extend(reachable(&defs, request));
            usage.response.extend(reachable(&defs, response));
        }
        usage
    }

    pub fn role(&self, name: &str) -> Role {
        if self.request.contains(name) {
            Role::Request
        } else if self.response.contains(name) {
            Role::ResponseOnly
        } else {
            Role::Unused
        }
    }
}

fn roots(api: &Api) -> (Vec<&TypeRef>, Vec<&TypeRef>) {
    let (mut request, mut response) = (Vec::new(), Vec::new());
    for op in &api.operations {
        let (sent, received) = reach::roots(op);
        request.extend(sent);
        response.extend(received);
    }
    (request, response)
}
