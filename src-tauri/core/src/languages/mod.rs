//! The site languages: which languages a library writes in, which one is the
//! source, and what each needs from the text tools (its name, its writing
//! direction, its typography rules). The one owner of those facts.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum TextDirection {
    Ltr,
    Rtl,
}

/// Typography applied to a language's rendered text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Typography {
    /// Leave punctuation as typed.
    Plain,
    /// No-break spaces before `; : ! ?` and inside « » (French rules).
    French,
}

/// A site language as the library is configured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Language {
    pub code: String,
    pub name: String,
    pub dir: TextDirection,
    pub typography: Typography,
}

/// The base language of a tag such as `fr-BE` or `ar_MA`.
fn base(code: &str) -> &str {
    code.split(['-', '_']).next().unwrap_or(code)
}

/// Languages written right to left among those a site may use.
pub fn direction(code: &str) -> TextDirection {
    match base(code) {
        "ar" | "he" | "fa" | "ur" | "ps" | "yi" | "dv" | "ku" => TextDirection::Rtl,
        _ => TextDirection::Ltr,
    }
}

pub fn typography(code: &str) -> Typography {
    match base(code) {
        "fr" => Typography::French,
        _ => Typography::Plain,
    }
}

/// The language's own name for itself, or its code when Valise does not know it.
pub fn name(code: &str) -> String {
    match base(code) {
        "fr" => "Français",
        "en" => "English",
        "es" => "Español",
        "ar" => "العربية",
        "de" => "Deutsch",
        "it" => "Italiano",
        "pt" => "Português",
        "ru" => "Русский",
        "zh" => "中文",
        _ => code,
    }
    .to_string()
}

pub fn describe(code: &str) -> Language {
    Language {
        code: code.to_string(),
        name: name(code),
        dir: direction(code),
        typography: typography(code),
    }
}

/// A library's language configuration: the source language first, then the others.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteLanguages {
    source: String,
    all: Vec<String>,
}

const DEFAULT_LANGUAGES: &str = "fr,en,es,ar";
const DEFAULT_SOURCE: &str = "fr";

impl SiteLanguages {
    /// Reads the configuration stored in the library (defaults: fr source; en, es, ar).
    pub(crate) fn load(conn: &Connection) -> Result<Self> {
        let setting = |key: &str| -> Result<Option<String>> {
            Ok(conn
                .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                    r.get(0)
                })
                .optional()?)
        };
        let all: Vec<String> = setting("languages")?
            .unwrap_or_else(|| DEFAULT_LANGUAGES.to_string())
            .split(',')
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        let source = setting("source_lang")?.unwrap_or_else(|| DEFAULT_SOURCE.to_string());
        Ok(SiteLanguages { source, all })
    }

    /// A configuration given in full, for tests (`load` reads a library's).
    #[cfg(test)]
    pub(crate) fn new(source: &str, all: Vec<String>) -> Self {
        SiteLanguages {
            source: source.to_string(),
            all,
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    /// Every site language's code, the source first.
    pub fn codes(&self) -> &[String] {
        &self.all
    }

    pub fn describe_all(&self) -> Vec<Language> {
        self.all.iter().map(|c| describe(c)).collect()
    }

    /// `lang` when it is one of the site's languages; a clear error otherwise.
    pub fn check(&self, lang: &str) -> Result<()> {
        if self.all.iter().any(|l| l == lang) {
            Ok(())
        } else {
            Err(Error::UnknownLanguage {
                lang: lang.to_string(),
                known: self.all.join(", "),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_is_right_to_left_and_french_has_its_typography() {
        assert_eq!(direction("ar"), TextDirection::Rtl);
        assert_eq!(direction("ar-MA"), TextDirection::Rtl);
        assert_eq!(direction("fr"), TextDirection::Ltr);
        assert_eq!(typography("fr_BE"), Typography::French);
        assert_eq!(typography("en"), Typography::Plain);
        assert_eq!(name("es"), "Español");
        assert_eq!(name("xx"), "xx");
    }
}
