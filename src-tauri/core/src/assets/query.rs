//! The library view's question: assets whose name, alt text, caption or
//! credit hold every word typed (accents and case ignored), optionally only
//! those missing alt text in a language, or used by no live post.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{usage, AssetSummary, Assets};
use crate::error::Result;
use crate::search::snippet::fold;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AssetQuery {
    /// Words to find in the name, credit, licence, alt texts and captions.
    pub text: String,
    /// Only assets with no alt text in this language.
    pub missing_alt: Option<String>,
    /// Only assets no live post uses.
    pub unused: bool,
}

impl Assets<'_> {
    /// The assets that answer `query`, by name.
    pub fn find(&self, query: &AssetQuery) -> Result<Vec<AssetSummary>> {
        let mut found = self.list()?;
        if let Some(lang) = query.missing_alt.as_deref().filter(|l| !l.is_empty()) {
            let lang = self.known_lang(lang)?;
            found.retain(|a| a.missing_alt.contains(&lang));
        }
        if query.unused {
            let unused: HashSet<String> = self.lib.read(usage::unused)?.into_iter().collect();
            found.retain(|a| unused.contains(&a.id));
        }
        let words: Vec<String> = query.text.split_whitespace().map(fold).collect();
        if !words.is_empty() {
            let texts = self.lib.read(|c| {
                let mut out: HashMap<String, String> = HashMap::new();
                let mut stmt = c.prepare_cached(
                    "SELECT a.uid, a.name || ' ' || a.credit || ' ' || a.licence || ' ' || \
                       coalesce((SELECT group_concat(t.alt || ' ' || t.caption, ' ') \
                                 FROM asset_texts t WHERE t.asset_id = a.id), '') \
                     FROM assets a",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, String>(1)?)))?;
                for row in rows {
                    let (uid, text) = row?;
                    out.insert(uid, fold(&text));
                }
                Ok(out)
            })?;
            found.retain(|a| {
                texts
                    .get(&a.id)
                    .is_some_and(|t| words.iter().all(|w| t.contains(w.as_str())))
            });
        }
        Ok(found)
    }
}
