//! Sign-off: the people of a library and their signing keys (`people`, `keys`),
//! this desktop's chosen identity (`identity`; secrets live in `crate::secrets`), the
//! trust in keys (`trust`: founder, invitations, enrolments), and the
//! append-only, hash-chained, signed audit trail (`audit`, `verify`); the
//! pure rules of the chain, content hashes and preflight (`rules`); and their
//! wiring: the stored chain (`chain_store`), acts and voidings as audit entries
//! (`acts`), a post's sign-off (`signoff`) and publication (`publication`),
//! the board and inbox (`board`, kept evaluated by `board_cache` from the
//! content hashes stored with each post, `stored_hashes`) and
//! the preflight's facts (`checks`), and acts as the window sends them
//! (`request`).
//!
//! Secret keys stay on the desktop that made them (the secret store); the
//! library holds only public keys, so a copied library can be verified but not
//! signed in someone else's name.

mod acts;
pub mod audit;
mod board;
mod board_cache;
mod chain_store;
pub mod checks;
pub mod identity;
pub mod keys;
mod notes;
pub mod people;
mod publication;
mod request;
pub mod rules;
mod signoff;
pub(crate) mod stored_hashes;
pub mod trust;
pub mod verify;
#[cfg(test)]
mod wp_vectors;

pub use acts::note_of;
pub use audit::{append, AuditEntry, NewEntry};
pub use board::{BoardFilter, BoardItem, Inbox, InboxItem};
pub(crate) use board_cache::BoardCache;
pub use chain_store::Workflow;
pub use identity::Desktop;
pub use keys::Signer;
pub use people::{Added, Chosen, Invited, NewPerson, People, Person, PersonKey};
pub(crate) use publication::{confirm_published, of_post as publication_of_post};
pub use publication::{
    publish_time_from_text, PublicationOffer, PublicationRequest, PublicationStatus, Publishing,
};
pub use request::{due_from_text, ActRequest};
pub(crate) use signoff::record_voids_of_write;
pub use signoff::{PrivateNote, Signoff, SignoffStatus, VoidedDiff};
pub use trust::{Enrolled, GrandfatheredKey, InvitationCode};
pub use verify::{Audit, AuditProblem, ProblemKind, VerifyReport};
