//! What an index is made of: bytes per segment component (postings, positions, term
//! dictionary, doc store, fast fields, field norms) and, within each, per field, summed over
//! the segments; then the files of the folder that are not segment files (the manifest).
//!
//! ```text
//! cargo run --release --example space -- INDEX_DIR
//! ```

use std::collections::BTreeMap;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: space INDEX_DIR");
        std::process::exit(2);
    };
    let index = tantivy::Index::open_in_dir(&dir).unwrap_or_else(|e| {
        eprintln!("space: cannot open the index {dir}: {e}");
        std::process::exit(1);
    });
    let reader = index.reader().expect("reader");
    let usage = reader.searcher().space_usage().expect("space usage");
    let mb = |b: u64| b as f64 / 1e6;
    let mut per: BTreeMap<&str, BTreeMap<String, u64>> = BTreeMap::new();
    let mut store = 0;
    for seg in usage.segments() {
        let parts = [
            ("postings (.idx)", seg.postings()),
            ("positions (.pos)", seg.positions()),
            ("terms (.term)", seg.termdict()),
            ("fast (.fast)", seg.fast_fields()),
            ("fieldnorms", seg.fieldnorms()),
        ];
        for (name, part) in parts {
            let fields = per.entry(name).or_default();
            for f in part.fields() {
                *fields.entry(f.field_name().to_string()).or_default() += f.total().get_bytes();
            }
        }
        store += seg.store().total().get_bytes();
    }
    println!("{:<18} {:>9}", "doc store (.store)", format!("{:.2}", mb(store)));
    for (name, fields) in &per {
        let total: u64 = fields.values().sum();
        println!("{name:<18} {:>9.2}", mb(total));
        let mut fields: Vec<_> = fields.iter().filter(|(_, b)| **b > 0).collect();
        fields.sort_by(|a, b| b.1.cmp(a.1));
        for (field, bytes) in fields {
            println!("    {field:<22} {:>9.2}", mb(*bytes));
        }
    }
    let mut other = 0;
    for entry in std::fs::read_dir(&dir).expect("index folder") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") {
            other += entry.metadata().map_or(0, |m| m.len());
        }
    }
    println!("{:<18} {:>9.2}", "json (manifest, meta)", mb(other));
    println!("{:<18} {:>9.2}", "segments", mb(usage.total().get_bytes()));
}
