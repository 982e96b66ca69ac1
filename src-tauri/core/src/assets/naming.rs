//! File names as designers write them: `NAME.LANG.EXT` is the LANG variant of
//! asset NAME (`carte-reseau.ar.png`), `NAME.EXT` a variant for every language.
//! Editors' temporary and hidden files are not assets.

/// What a file name says about the asset it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName {
    /// The asset's name: a new file of the same name joins that asset.
    pub name: String,
    /// The language of the variant; `None` for one file for every language.
    pub lang: Option<String>,
    /// The extension, lower case (`png`, `svg`…), empty if there is none.
    pub ext: String,
}

/// Reads `file_name` (the last part of a path). `LANG` is taken as a language
/// only if it is one of `languages`: `rapport.2026.pdf` is asset `rapport.2026`.
pub fn parse(file_name: &str, languages: &[&str]) -> FileName {
    let (stem, ext) = match file_name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, ext.to_ascii_lowercase()),
        _ => (file_name, String::new()),
    };
    if let Some((name, lang)) = stem.rsplit_once('.') {
        let lang_lower = lang.to_ascii_lowercase();
        if !name.is_empty() && languages.iter().any(|l| l.eq_ignore_ascii_case(lang)) {
            return FileName {
                name: name.to_string(),
                lang: Some(lang_lower),
                ext,
            };
        }
    }
    FileName {
        name: stem.to_string(),
        lang: None,
        ext,
    }
}

/// True for files no one means as an asset: hidden files, editors' backups and
/// downloads in progress (`~`, `.tmp`, `.part`, `.swp`, `.crdownload`).
pub fn is_temporary(file_name: &str) -> bool {
    let lower = file_name.to_ascii_lowercase();
    lower.starts_with('.')
        || lower.starts_with('~')
        || lower.ends_with('~')
        || [
            ".tmp",
            ".part",
            ".swp",
            ".crdownload",
            ".download",
            ".partial",
        ]
        .iter()
        .any(|e| lower.ends_with(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANGS: &[&str] = &["fr", "en", "es", "ar"];

    #[test]
    fn a_language_before_the_extension_names_the_variant() {
        assert_eq!(
            parse("carte-reseau.ar.png", LANGS),
            FileName {
                name: "carte-reseau".into(),
                lang: Some("ar".into()),
                ext: "png".into()
            }
        );
        assert_eq!(parse("Carte.ES.SVG", LANGS).lang.as_deref(), Some("es"));
        assert_eq!(parse("Carte.ES.SVG", LANGS).ext, "svg");
    }

    #[test]
    fn without_a_site_language_the_file_is_for_every_language() {
        let f = parse("carte-reseau.png", LANGS);
        assert_eq!(
            (f.name.as_str(), f.lang, f.ext.as_str()),
            ("carte-reseau", None, "png")
        );
        // "de" is not a site language here, "2026" never is one.
        assert_eq!(parse("rapport.de.pdf", LANGS).name, "rapport.de");
        assert_eq!(parse("rapport.2026.pdf", LANGS).name, "rapport.2026");
        assert_eq!(parse("sans-extension", LANGS).ext, "");
        assert_eq!(parse(".fr.png", LANGS).name, ".fr");
    }

    #[test]
    fn temporary_and_hidden_files_are_not_assets() {
        for t in [
            "~carte.png",
            "carte.png~",
            ".carte.png",
            "carte.png.tmp",
            "carte.png.part",
            ".~lock.carte.odg#",
            "carte.PNG.crdownload",
        ] {
            assert!(is_temporary(t), "{t}");
        }
        for a in ["carte.png", "carte.fr.svg", "tmp-carte.png"] {
            assert!(!is_temporary(a), "{a}");
        }
    }
}
