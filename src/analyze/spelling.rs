//! British spellings as American ones, so that *labour* meets *labor*, *programme* meets
//! *program* and *organisation* meets *organization* under the English analyzer, in the index
//! and in queries alike. Regular correspondences (-our/-or, -ise/-ize, -isation/-ization,
//! -yse/-yze, -re/-er, -ogue/-og, a doubled l before -ed/-ing/-er), each with the words it must
//! leave alone (*hour*, *exercise*, *more*), and a short list of single words (*programme*,
//! *defence*, *judgement*). It runs on one lowercase word before stemming.

/// The American spelling of the lowercase `word`, when it is a British one.
pub fn american(word: &str) -> Option<String> {
    if !word.is_ascii() || word.len() < 4 {
        return None;
    }
    if let Some(&(_, us)) = WORDS.iter().find(|(uk, _)| *uk == word) {
        return Some(us.to_string());
    }
    our(word)
        .or_else(|| ise(word))
        .or_else(|| yse(word))
        .or_else(|| tre(word))
        .or_else(|| ogue(word))
        .or_else(|| ll(word))
}

/// `text` with each British word spelt the American way ("Organisation of American States" →
/// "organization of American States"), when it has one; for lookups of names, which compare
/// words before any analysis.
pub fn american_text(text: &str) -> Option<String> {
    let mut changed = false;
    let words: Vec<String> = text
        .split(' ')
        .map(|w| match american(&w.to_lowercase()) {
            Some(us) => {
                changed = true;
                us
            }
            None => w.to_string(),
        })
        .collect();
    changed.then(|| words.join(" "))
}

/// Single words whose British form no rule below gives.
const WORDS: &[(&str, &str)] = &[
    ("programme", "program"),
    ("programmes", "programs"),
    ("programmed", "programed"),
    ("programming", "programing"),
    ("defence", "defense"),
    ("offence", "offense"),
    ("offences", "offenses"),
    ("licence", "license"),
    ("licences", "licenses"),
    ("practise", "practice"),
    ("practised", "practiced"),
    ("practising", "practicing"),
    ("judgement", "judgment"),
    ("judgements", "judgments"),
    ("acknowledgement", "acknowledgment"),
    ("ageing", "aging"),
    ("enrolment", "enrollment"),
    ("enrolments", "enrollments"),
    ("instalment", "installment"),
    ("fulfil", "fulfill"),
    ("fulfilment", "fulfillment"),
    ("skilful", "skillful"),
    ("grey", "gray"),
    ("cheque", "check"),
    ("cheques", "checks"),
    ("manoeuvre", "maneuver"),
    ("paediatric", "pediatric"),
    ("foetus", "fetus"),
];

/// The endings a suffix rule applies before (the suffix itself, then these).
fn with_endings<'a>(word: &'a str, stem_end: &str, endings: &[&str]) -> Option<(&'a str, &'a str)> {
    endings.iter().find_map(|e| {
        let tail = format!("{stem_end}{e}");
        word.strip_suffix(tail.as_str()).map(|head| (head, &word[word.len() - e.len()..]))
    })
}

/// labour, colours, honoured, favourite, behavioural → -or-.
fn our(word: &str) -> Option<String> {
    const KEEP: &[&str] = &[
        "hour",
        "hours",
        "four",
        "fours",
        "your",
        "yours",
        "flour",
        "pour",
        "pours",
        "poured",
        "pouring",
        "tour",
        "tours",
        "toured",
        "touring",
        "sour",
        "contour",
        "contours",
        "devour",
        "devoured",
        "detour",
        "detours",
        "amour",
        "glamour",
        "velour",
        "troubadour",
        "paramour",
        "dour",
        "scour",
        "scoured",
        "fourth",
        "fourteen",
        "journal",
    ];
    if KEEP.contains(&word) {
        return None;
    }
    let (head, ending) = with_endings(
        word,
        "our",
        &["", "s", "ed", "ing", "ite", "ites", "able", "ably", "al", "ally", "less", "er", "ers"],
    )?;
    (head.len() >= 3).then(|| format!("{head}or{ending}"))
}

/// organise, organised, organising, organisation(s), organiser → -iz-.
fn ise(word: &str) -> Option<String> {
    const KEEP: &[&str] = &[
        "advise",
        "arise",
        "chastise",
        "circumcise",
        "comprise",
        "compromise",
        "concise",
        "demise",
        "despise",
        "devise",
        "disguise",
        "enterprise",
        "excise",
        "exercise",
        "expertise",
        "franchise",
        "improvise",
        "incise",
        "merchandise",
        "otherwise",
        "paradise",
        "precise",
        "premise",
        "promise",
        "raise",
        "revise",
        "rise",
        "supervise",
        "surmise",
        "surprise",
        "televise",
        "treatise",
        "wise",
        "likewise",
        "clockwise",
        "noise",
        "poise",
        "praise",
        "cruise",
        "bruise",
        "anise",
        "advertise",
        "apprise",
        "reprise",
        "valise",
        "mortise",
        "porpoise",
        "tortoise",
        "turquoise",
        "chemise",
        "cerise",
        "appraise",
        "braise",
        "sunrise",
        "uprise",
        "daise",
        "vise",
    ];
    let (head, ending) = with_endings(word, "is", &["e", "es", "ed", "ing", "ation", "ations", "er", "ers", "able"])?;
    let base = format!("{head}ise");
    if head.len() < 3 || KEEP.iter().any(|k| base.ends_with(k) && (base.len() == k.len() || k.len() >= 6)) {
        return None;
    }
    Some(format!("{head}iz{ending}"))
}

/// analyse, paralysed, catalysing → -yz-.
fn yse(word: &str) -> Option<String> {
    let (head, ending) = with_endings(word, "ys", &["e", "es", "ed", "ing", "er", "ers"])?;
    matches!(head, "anal" | "paral" | "catal" | "dial" | "electrol" | "hydrol").then(|| format!("{head}yz{ending}"))
}

/// centre, metres, theatre, fibre, calibre, litre → -er.
fn tre(word: &str) -> Option<String> {
    const STEMS: &[&str] = &[
        "cent", "met", "kilomet", "centimet", "millimet", "lit", "theat", "fib", "calib", "spect", "lust", "somb",
        "meag", "sab", "sceptr",
    ];
    let (head, ending) = with_endings(word, "re", &["", "s", "d"])?;
    STEMS.contains(&head).then(|| format!("{head}er{ending}"))
}

/// catalogue, dialogues, analogue → -og.
fn ogue(word: &str) -> Option<String> {
    let (head, ending) = with_endings(word, "ogue", &["", "s"])?;
    // US English keeps "prologue", "epilogue" and "monologue"
    matches!(head, "catal" | "dial" | "anal").then(|| format!("{head}og{ending}"))
}

/// travelled, cancelling, labelled, modelling, counsellor, signalled → one l.
fn ll(word: &str) -> Option<String> {
    const STEMS: &[&str] = &[
        "travel", "cancel", "label", "model", "fuel", "signal", "channel", "counsel", "level", "total", "marshal",
        "equal", "dial", "tunnel", "label", "jewel", "quarrel", "shovel", "marvel", "funnel", "panel", "rival",
        "pedal",
    ];
    // "travelled" is "travel" + "led": the head is the American stem
    let (head, ending) = with_endings(word, "l", &["ed", "ing", "er", "ers", "or", "ors"])?;
    STEMS.contains(&head).then(|| format!("{head}{ending}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_spelt_the_american_way_word_by_word() {
        assert_eq!(
            american_text("Organisation of American States").as_deref(),
            Some("organization of American States")
        );
        assert_eq!(
            american_text("International Labour Organization").as_deref(),
            Some("International labor Organization")
        );
        assert_eq!(american_text("Organization of American States"), None);
    }

    #[test]
    fn british_spellings_become_american() {
        let pairs = [
            ("labour", "labor"),
            ("colours", "colors"),
            ("honoured", "honored"),
            ("favourite", "favorite"),
            ("behavioural", "behavioral"),
            ("neighbouring", "neighboring"),
            ("organisation", "organization"),
            ("organisations", "organizations"),
            ("regularisation", "regularization"),
            ("harmonise", "harmonize"),
            ("prioritised", "prioritized"),
            ("mobilising", "mobilizing"),
            ("analyse", "analyze"),
            ("centre", "center"),
            ("centres", "centers"),
            ("catalogue", "catalog"),
            ("dialogue", "dialog"),
            ("travelled", "traveled"),
            ("counsellors", "counselors"),
            ("modelling", "modeling"),
            ("programme", "program"),
            ("programmes", "programs"),
            ("defence", "defense"),
        ];
        for (uk, us) in pairs {
            assert_eq!(american(uk).as_deref(), Some(us), "{uk}");
        }
    }

    #[test]
    fn words_that_only_look_british_stay() {
        for word in [
            "hour",
            "four",
            "your",
            "tour",
            "journal",
            "exercise",
            "advise",
            "compromise",
            "enterprise",
            "otherwise",
            "raise",
            "promise",
            "premise",
            "more",
            "here",
            "there",
            "store",
            "share",
            "fire",
            "prologue",
            "rogue",
            "compelled",
            "expelled",
            "spelled",
            "yelled",
            "sell",
            "labor",
            "program",
            "organization",
            "migration",
            "rise",
            "noise",
            "ours",
            "precise",
        ] {
            assert_eq!(american(word), None, "{word}");
        }
        // the American word is already what the British one becomes
        assert_eq!(american("labor"), None);
    }
}
