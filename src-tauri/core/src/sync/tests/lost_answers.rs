//! Sends whose answer never came back (a lost answer, a killed sync): the
//! next sync neither makes the record twice nor mistakes this desk's own
//! text, now on the site, for a change made there.

use super::engine_tests::two_desks;
use super::memory::Fault;
use crate::Error;

#[test]
fn a_create_whose_answer_was_lost_is_not_made_twice() {
    let (_dir, a, _b, site) = two_desks();
    a.new_post("Le sommet", "Un texte.");
    // The pull goes through; the create acts, then its answer is lost.
    site.script(vec![None, Some(Fault::After)]);
    let err = a.sync(&site).unwrap_err();
    assert!(matches!(err, Error::BackendUnreachable { .. }), "{err}");
    let status = crate::sync::status(&a.lib).unwrap();
    assert_eq!(status.backends[0].waiting, 1);
    assert!(status.backends[0].last_error.is_some());
    a.sync(&site).unwrap();
    assert_eq!(site.creates(), 1);
    assert_eq!(site.live().len(), 1);
    assert!(a.sync(&site).unwrap().is_quiet());
    assert_eq!(
        crate::sync::status(&a.lib).unwrap().backends[0].last_error,
        None
    );
}

#[test]
fn an_update_whose_answer_was_lost_is_agreed_on_the_next_sync() {
    let (_dir, a, b, site) = two_desks();
    let id = a.new_post("Le sommet", "Un texte.");
    a.sync(&site).unwrap();
    a.save_body(&id, "fr", "Un texte revu.");
    site.script(vec![None, Some(Fault::After)]);
    assert!(a.sync(&site).is_err());
    let report = a.sync(&site).unwrap();
    assert_eq!(report.updated_there, 0, "{report:?}");
    assert!(a.conflicts().is_empty());
    assert!(a.sync(&site).unwrap().is_quiet());
    b.sync(&site).unwrap();
    assert_eq!(b.body(&id, None), "Un texte revu.");
}

/// The site took an update whose answer never came back (a killed sync, a
/// lost answer); the same paragraph is then edited again here. The next sync
/// knows the site holds what it sent (`sync_sending`), so the edit goes out
/// as a plain update, not as a conflict with this desk's own earlier text.
#[test]
fn an_edit_after_a_send_whose_answer_was_lost_is_no_conflict() {
    let (_dir, a, b, site) = two_desks();
    let id = a.new_post("Le sommet", "Premier.\n\nDeuxième.");
    a.sync(&site).unwrap();
    a.save_body(&id, "fr", "Premier, revu.\n\nDeuxième.");
    site.script(vec![None, Some(Fault::After)]);
    assert!(a.sync(&site).is_err());
    a.save_body(&id, "fr", "Premier, revu deux fois.\n\nDeuxième.");
    let report = a.sync(&site).unwrap();
    assert_eq!(report.conflicts, 0, "{report:?}");
    assert!(a.conflicts().is_empty());
    assert_eq!(report.updated_there, 1, "{report:?}");
    assert!(a.sync(&site).unwrap().is_quiet());
    assert_eq!(crate::sync::status(&a.lib).unwrap().backends[0].waiting, 0);
    b.sync(&site).unwrap();
    assert_eq!(b.body(&id, None), "Premier, revu deux fois.\n\nDeuxième.");
}
