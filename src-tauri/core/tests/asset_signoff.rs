//! What a validator signs includes the file each asset shows: a new version
//! of an infographic voids the approvals of the posts that show it.

#[allow(dead_code, unused_imports)] // helpers shared with the sign-off tests
mod signoff_support;

use std::io::Cursor;

use signoff_support::*;
use valise_core::assets::AddFile;

fn png(shade: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::RgbImage::from_pixel(30, 20, image::Rgb([shade, 0, 0]))
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn add(s: &Setup, shade: u8) -> String {
    let path = s._dir.path().join(format!("v{shade}")).join("carte.fr.png");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, png(shade)).unwrap();
    s.lib
        .assets()
        .add(&AddFile {
            path: path.display().to_string(),
            alt: Some("Carte".into()),
            ..AddFile::default()
        })
        .unwrap()
        .asset_id
}

#[test]
fn a_new_version_of_a_shown_asset_voids_the_approvals_and_shows_what_changed() {
    let s = setup(CHAIN);
    let asset = add(&s, 1);
    s.edit(
        "fr",
        &format!("La délégation part lundi.\n\n![](asset:{})\n", &asset[..8]),
    );
    s.submit();
    s.approve("alice", "proofreading").unwrap();
    assert_eq!(s.step_state(0), StepState::Approved);

    // Alt text is not what the hash covers; the file is.
    s.lib
        .assets()
        .set_text(&asset, "fr", Some("Carte du réseau"), None)
        .unwrap();
    assert_eq!(s.step_state(0), StepState::Approved);

    // The board is read (and kept) before the new file arrives...
    let step_on_board = || {
        let board = s.lib.signoff().board().unwrap();
        let item = board.iter().find(|b| b.post_id == s.post).unwrap();
        item.current_step.clone()
    };
    let waiting_after_proofreading = step_on_board();
    assert_ne!(waiting_after_proofreading.as_deref(), Some("proofreading"));

    assert_eq!(add(&s, 2), asset, "the same asset, a new version");
    // ...and sees the post back at proofreading: the asset's change reaches
    // the posts that show it.
    assert_eq!(step_on_board().as_deref(), Some("proofreading"));
    let status = s.lib.signoff().status(&s.post, None).unwrap();
    assert_eq!(status.signoff.steps[0].state, StepState::VoidedByChange);
    let diff = format!("{:?}", status.voided[0].diff);
    assert!(diff.contains(&asset), "the diff names the asset: {diff}");
}

#[test]
fn a_dangling_reference_does_not_change_what_is_signed() {
    let s = setup(CHAIN);
    s.edit("fr", "Texte.\n\n![](asset:0badc0de99)\n");
    s.submit();
    s.approve("alice", "proofreading").unwrap();
    add(&s, 3);
    assert_eq!(s.step_state(0), StepState::Approved);
}
