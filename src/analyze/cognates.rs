//! Cognates: an English and a Spanish word of one Latin family meet through the regular
//! correspondences of their suffixes (*coalition* / *coalición*, *community* / *comunidad*,
//! *consultative* / *consultivo*, *national* / *nacional*), so a name only one language's
//! report uses has a path to the other's. Each rule rewrites the end of a folded lowercase
//! word; a false friend of these reports' vocabulary (*actual*, *compromiso*, *eventual*…)
//! gives none. The caller keeps only the forms the other language's index knows.

use crate::model::Lang;

/// (Spanish ending, English ending), tried longest first.
const ENDINGS: &[(&str, &str)] = &[
    ("cional", "tional"),
    ("ciones", "tions"),
    ("cion", "tion"),
    ("siones", "sions"),
    ("sion", "sion"),
    ("idades", "ities"),
    ("idad", "ity"),
    ("dades", "ties"),
    ("dad", "ty"),
    ("mientos", "ments"),
    ("miento", "ment"),
    ("mentos", "ments"),
    ("mento", "ment"),
    ("ismos", "isms"),
    ("ismo", "ism"),
    ("istas", "ists"),
    ("ista", "ist"),
    ("ativos", "ative"),
    ("ativo", "ative"),
    ("ativas", "ative"),
    ("ativa", "ative"),
    ("ivos", "ive"),
    ("ivo", "ive"),
    ("ivas", "ive"),
    ("iva", "ive"),
    ("icos", "ic"),
    ("ico", "ic"),
    ("icas", "ic"),
    ("ica", "ic"),
    ("arios", "ary"),
    ("ario", "ary"),
    ("arias", "ary"),
    ("aria", "ary"),
    ("osos", "ous"),
    ("oso", "ous"),
    ("osas", "ous"),
    ("osa", "ous"),
    ("encias", "ences"),
    ("encia", "ence"),
    ("ancias", "ances"),
    ("ancia", "ance"),
    ("entes", "ents"),
    ("ente", "ent"),
    ("antes", "ants"),
    ("ante", "ant"),
    ("ales", "als"),
    ("al", "al"),
    ("bles", "bles"),
    ("ble", "ble"),
];

/// Words of these reports whose look-alike in the other language means something else.
const FALSE_FRIENDS: &[&str] = &[
    "actual",
    "actuales",
    "actually",
    "eventual",
    "eventuales",
    "eventually",
    "compromiso",
    "compromisos",
    "compromise",
    "sensible",
    "sensibles",
    "discusion",
    "discusiones",
    "asistencia",
    "assistance",
    "largo",
    "realizar",
    "introducir",
    "pretender",
    "soportar",
    "constipado",
    "embarazada",
    "libreria",
    "carpeta",
    "colegio",
    "fabrica",
    "suceso",
    "exito",
    "argumento",
    "argument",
    "particular",
    "general",
    "nacional",
];

/// The other language's forms of `word` (folded lowercase, in `lang`) by suffix correspondence.
pub fn of(word: &str, lang: Lang) -> Vec<String> {
    if word.len() < 6 || FALSE_FRIENDS.contains(&word) || !word.chars().all(|c| c.is_ascii_lowercase()) {
        return Vec::new();
    }
    let pairs = ENDINGS.iter().map(|&(es, en)| match lang {
        Lang::Es => (es, en),
        Lang::En => (en, es),
    });
    // English has one ending where Spanish has a gender and a number: "-ive" is "-ivo" and
    // "-iva", singular; "-ment" is "-mento" or "-miento" (the index tells which it uses)
    let pairs: Vec<(&str, &str)> =
        pairs.filter(|(from, to)| lang == Lang::Es || !to.ends_with('s') || from.ends_with('s')).collect();
    let Some(&(from, _)) = pairs.iter().find(|(from, _)| word.strip_suffix(from).is_some_and(|s| s.len() >= 3)) else {
        return Vec::new();
    };
    let stem = respell(&word[..word.len() - from.len()], lang);
    let mut out: Vec<String> = pairs.iter().filter(|(f, _)| *f == from).map(|(_, to)| format!("{stem}{to}")).collect();
    out.dedup();
    out
}

/// Spelling differences inside the stem: Spanish writes one consonant where English doubles it
/// (*comunidad* / *community*, *comité* / *committee*) and *c* for *t* before *i* (*nacion* /
/// *nation* is handled by the ending); only the frequent ones.
fn respell(stem: &str, from: Lang) -> String {
    const PAIRS: &[(&str, &str)] =
        &[("comun", "commun"), ("comis", "commiss"), ("imigr", "immigr"), ("coopera", "coopera")];
    for &(es, en) in PAIRS {
        match from {
            Lang::Es if stem.starts_with(es) => return stem.replacen(es, en, 1),
            Lang::En if stem.starts_with(en) => return stem.replacen(en, es, 1),
            _ => {}
        }
    }
    stem.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_correspond() {
        assert_eq!(of("coalicion", Lang::Es), ["coalition"]);
        assert_eq!(of("comunidad", Lang::Es), ["community"]);
        assert_eq!(of("consultivo", Lang::Es), ["consultive"]);
        assert_eq!(of("regularizacion", Lang::Es), ["regularization"]);
        assert_eq!(of("humanitarian", Lang::En), Vec::<String>::new());
        assert_eq!(of("community", Lang::En), ["comunidad"]);
        assert_eq!(of("coalition", Lang::En), ["coalicion"]);
        assert_eq!(of("cooperative", Lang::En), ["cooperativo", "cooperativa"]);
        // both Spanish endings of "-ment"; the index keeps the one it uses
        assert_eq!(of("document", Lang::En), ["documiento", "documento"]);
    }

    #[test]
    fn false_friends_and_short_words_give_none() {
        assert!(of("actual", Lang::Es).is_empty());
        assert!(of("compromiso", Lang::Es).is_empty());
        assert!(of("ley", Lang::Es).is_empty());
    }
}
