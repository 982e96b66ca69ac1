//! Sign-off: the people of a library and their signing keys (`people`, `keys`),
//! this desktop's secrets and chosen identity (`secrets`, `identity`), and the
//! append-only, hash-chained, signed audit trail (`audit`, `verify`); the
//! pure rules of the chain, content hashes and preflight (`rules`).
//!
//! Secret keys stay on the desktop that made them (the secret store); the
//! library holds only public keys, so a copied library can be verified but not
//! signed in someone else's name.

pub mod audit;
pub mod identity;
pub mod keys;
pub mod people;
pub mod rules;
pub mod secrets;
pub mod verify;

pub use audit::{append, AuditEntry, NewEntry};
pub use identity::Desktop;
pub use keys::Signer;
pub use people::{Chosen, People, Person, PersonKey};
pub use secrets::{Secret, SecretStore};
pub use verify::{Audit, AuditProblem, ProblemKind, VerifyReport};
